using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Hostile;
using PodIdentityWebhook.E2E.Webhook;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Observability;

/// <summary>
/// The chart's alerts and the Grafana dashboard, evaluated by a real Prometheus that scrapes
/// the real webhook process while pods go through the real API server, and reviews are sent
/// that a cluster also sees: a ServiceAccount that is not found, malformed requests, and more
/// than the review memory holds. Every query returns series; the alerts the scenario calls
/// for fire, and only those.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class PrometheusTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private const string CertificateExpiring = "PodIdentityWebhookCertificateExpiring";
    private const string ServiceAccountsNotFound = "PodIdentityWebhookServiceAccountsNotFound";
    private const string AdmissionErrors = "PodIdentityWebhookAdmissionErrors";
    private const string Down = "PodIdentityWebhookDown";
    private const string Stale = "PodIdentityWebhookServiceAccountsStale";

    private static readonly TimeSpan AlertDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_alert_and_dashboard_query_is_evaluated_and_the_alerts_of_the_scenario_fire()
    {
        PrometheusServer.RequireInstalled();
        // for: 0s, so an alert fires at the first evaluation that finds its condition.
        var rendered = await MonitoringAssets.RenderAsync("pod-identity-webhook", "monitoring-e2e", "0s");
        Assert.Equal([AdmissionErrors, CertificateExpiring, Down, ServiceAccountsNotFound, Stale], rendered.Alerts.Keys.Order(StringComparer.Ordinal));

        // The webhook's own namespace holds the identity ConfigMap (--watch-config-map).
        var home = "e2e-prom-home-" + Guid.NewGuid().ToString("N")[..6];
        await plane.Rest.CreateNamespaceAsync(home);
        await plane.Rest.CreateAsync($"/api/v1/namespaces/{home}/configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "pod-identity-webhook" },
            ["data"] = new JsonObject { ["config"] = """{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/reader"}}""" },
        });

        // RunningWebhook's certificate is valid for a day: the expiry alert's case. A small
        // review memory budget, so that stalled bodies fill it and later reviews are shed.
        await using var served = await ServedNamespace.StartAsync(plane, "prom",
            ["--watch-config-map", "--namespace", home, "--max-review-bytes", "64Ki", "--review-memory-budget", "256Ki"]);
        var webhook = served.Webhook;
        await using var prometheus = await PrometheusServer.StartAsync(webhook.MetricsEndpoint, rendered.TargetLabels, rendered.RuleFile);
        await Poll.UntilAsync(async () => await prometheus.TargetHealthAsync() == "up", AlertDeadline, "Prometheus scraping the webhook");
        // Evaluations may precede the first scrape: wait for one that saw the webhook's series.
        await Poll.UntilAsync(async () => (await prometheus.AlertRulesAsync())[CertificateExpiring].State == "firing", AlertDeadline, CertificateExpiring + " firing");

        var before = await prometheus.AlertRulesAsync();
        Assert.All([ServiceAccountsNotFound, AdmissionErrors, Down, Stale], name => Assert.Equal("inactive", before[name].State));

        // Pods through the API server, mutated.
        await plane.Rest.CreateServiceAccountAsync(served.Name, "app", Roles.Annotations("reader"));
        for (var i = 0; i < 3; i++)
        {
            await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "app", webhook, output);
        }

        using var http = new HttpClient(KubeRest.TrustingHandler(webhook.CaPem)) { Timeout = TimeSpan.FromSeconds(10) };
        // A pod whose ServiceAccount no cache or lookup finds: admitted without an identity.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(http, webhook.Url, ReviewOfMissingServiceAccount(served.Name), "application/json"));
        // Malformed requests: refused with 4xx.
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(http, webhook.Url, "{\"not\": \"a review\"", "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await PostAsync(http, webhook.Url, "{}", "text/plain"));
        // Bodies that hold the review memory and never finish; the reviews that find no room are shed.
        var shed = await ShedAsync(webhook);
        output.WriteLine("shed: " + string.Join(", ", shed.Select(o => $"{o.Key}×{o.Value}")));
        Assert.True(shed.GetValueOrDefault("503") > 0, "no review was shed: " + string.Join(", ", shed));

        // More pods once the latency histogram's series exist, so that its rate() sees them.
        for (var i = 0; i < 2; i++)
        {
            await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "app", webhook, output);
        }

        var selector = $"namespace=\"{rendered.TargetLabels["namespace"]}\", service=\"{rendered.TargetLabels["service"]}\"";
        await Poll.UntilAsync(
            async () => (await prometheus.QueryAsync($"sum(rate(admission_duration_seconds_count{{{selector}}}[30s])) > 0")).Count > 0,
            AlertDeadline,
            "reviews in the latency histogram's rate");
        await Poll.UntilAsync(
            async () => (await prometheus.AlertRulesAsync()) is var rules && rules[ServiceAccountsNotFound].State == "firing" && rules[AdmissionErrors].State == "firing",
            AlertDeadline,
            "the not-found and admission-error alerts firing");
        var during = await prometheus.AlertRulesAsync();
        Assert.All(during, rule => Assert.True(rule.Value.Health == "ok", $"{rule.Key}: {rule.Value.Health} {rule.Value.Error}"));
        Assert.Equal("firing", during[CertificateExpiring].State);
        Assert.Equal("inactive", during[Down].State);
        Assert.Equal("inactive", during[Stale].State);

        // What each alert compares exists, fired or not.
        foreach (var (alert, expression) in rendered.Alerts)
        {
            var compared = MonitoringAssets.Compared(expression);
            var series = await prometheus.QueryAsync(compared);
            output.WriteLine($"{alert}: {compared} -> {series.Count} series");
            Assert.True(series.Count > 0, $"{alert}: {compared} returned no series");
        }

        // Every query of the dashboard, for this namespace and Service.
        foreach (var query in MonitoringAssets.DashboardQueries())
        {
            var expression = MonitoringAssets.Substitute(query.Expression, rendered.TargetLabels, "30s");
            var series = await prometheus.QueryAsync(expression);
            output.WriteLine($"{query.Where}: {series.Count} series, first {series.FirstOrDefault()?["value"]?[1]}");
            Assert.True(series.Count > 0, $"dashboard {query.Where}: {expression} returned no series");
            // A series of NaN (a quantile of no requests) draws nothing either.
            Assert.All(series, s => Assert.True(
                double.IsFinite(double.Parse(s!["value"]![1]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)),
                $"dashboard {query.Where}: {expression} gave {s}"));
        }

        // No replica left to scrape.
        await webhook.DisposeAsync();
        await Poll.UntilAsync(async () => (await prometheus.AlertRulesAsync())[Down].State == "firing", AlertDeadline, Down + " firing");
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, Uri url, string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await http.PostAsync(url, content);
        return response.StatusCode;
    }

    private static string ReviewOfMissingServiceAccount(string ns)
    {
        var review = JsonNode.Parse(HostileScenarios.OrdinaryReview())!;
        review["request"]!["namespace"] = ns;
        review["request"]!["object"]!["metadata"]!["namespace"] = ns;
        review["request"]!["object"]!["spec"]!["serviceAccountName"] = "nobody-" + Guid.NewGuid().ToString("N")[..6];
        return review.ToJsonString();
    }

    /// <summary>
    /// 8 HTTP/1.1 connections each declare 60,000 bytes, send 50,000 and wait 3 s for an
    /// answer without sending the rest; the outcomes by code ("held": no answer yet).
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, int>> ShedAsync(RunningWebhook webhook)
    {
        var target = new AttackTarget(webhook.Url, KubeRest.Trusting(webhook.CaPem));
        var connections = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => target.OpenRawAsync()));
        try
        {
            await Task.WhenAll(connections.Select(async connection =>
            {
                await connection.SendHeadAsync(60_000);
                await connection.SendAsync(new byte[50_000]);
                try
                {
                    target.RecordHead(await connection.ReadHeadAsync(TimeSpan.FromSeconds(3)));
                }
                catch (OperationCanceledException)
                {
                    target.Record("held");
                }
            }));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        return target.Outcomes;
    }
}
