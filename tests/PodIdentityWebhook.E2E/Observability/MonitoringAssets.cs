using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Shipping;
using PodIdentityWebhook.Manifests;

namespace PodIdentityWebhook.E2E.Observability;

/// <summary>
/// What the project ships for monitoring, as a user gets it: the chart's PrometheusRule and
/// metrics Service rendered by real helm, and the Grafana dashboard's queries.
/// </summary>
internal static class MonitoringAssets
{
    /// <summary>The dashboard as the chart ships it; deploy/monitoring holds the same file.</summary>
    public const string DashboardPath = "charts/pod-identity-webhook/dashboards/pod-identity-webhook.json";

    /// <summary>
    /// The chart's alerts for a release in <paramref name="ns"/>: the rule file (the
    /// PrometheusRule's spec, which is Prometheus's groups format), each alert's expression, and
    /// the target labels a ServiceMonitor of that release's metrics Service would give.
    /// </summary>
    public static async Task<Rendered> RenderAsync(string release, string ns, string @for)
    {
        var (exit, stdout, stderr) = await ChartTests.TemplateAsync(3, release, ns,
            "--set", "metrics.prometheusRule.enabled=true", "--set", "metrics.prometheusRule.for=" + @for);
        Assert.True(exit == 0, stderr);
        var documents = YamlJson.ParseDocuments(stdout).OfType<JsonObject>().ToList();
        var rule = Assert.Single(documents, d => ShippedManifests.Kind(d) == "PrometheusRule");
        var groups = rule["spec"]!["groups"]!.AsArray();
        var alerts = groups.SelectMany(g => g!["rules"]!.AsArray())
            .ToDictionary(r => r!["alert"]!.GetValue<string>(), r => r!["expr"]!.GetValue<string>(), StringComparer.Ordinal);
        var metricsService = Assert.Single(documents, d =>
            ShippedManifests.Kind(d) == "Service" && d["spec"]!["ports"]!.AsArray().Any(p => p!["name"]!.GetValue<string>() == "metrics"));
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["namespace"] = ns,
            ["service"] = ShippedManifests.Name(metricsService),
        };
        return new Rendered(new JsonObject { ["groups"] = groups.DeepClone() }.ToJsonString(), alerts, labels);
    }

    /// <summary>Every query of the dashboard: panel targets and template variables.</summary>
    public static IReadOnlyList<DashboardQuery> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(ControlPlaneAssets.RepositoryRoot(), DashboardPath)))!;
        var targets = dashboard["panels"]!.AsArray()
            .Where(p => p!["targets"] is JsonArray)
            .SelectMany(p => p!["targets"]!.AsArray().Select(t =>
                new DashboardQuery($"{p!["title"]} / {t!["legendFormat"]}", t["expr"]!.GetValue<string>())));
        var variables = dashboard["templating"]!["list"]!.AsArray()
            .Where(v => v!["type"]!.GetValue<string>() == "query")
            .Select(v => new DashboardQuery("variable " + v!["name"], LabelValuesAsQuery(v["query"]!["query"]!.GetValue<string>())));
        return [.. targets, .. variables];
    }

    /// <summary>Grafana's variables replaced as Grafana would for this namespace and Service.</summary>
    public static string Substitute(string expression, IReadOnlyDictionary<string, string> labels, string rateInterval) =>
        expression
            .Replace("$__rate_interval", rateInterval, StringComparison.Ordinal)
            .Replace("$namespace", labels["namespace"], StringComparison.Ordinal)
            .Replace("$service", labels["service"], StringComparison.Ordinal);

    /// <summary>
    /// The left side of an alert's comparison (<c>A &gt; 0</c> → <c>A</c>): the series it
    /// compares, which exist whether or not the alert fires. An expression without one stays whole.
    /// </summary>
    public static string Compared(string expression)
    {
        foreach (var comparison in new[] { " > ", " < ", " == " })
        {
            var at = expression.LastIndexOf(comparison, StringComparison.Ordinal);
            if (at > 0)
            {
                return expression[..at];
            }
        }

        return expression;
    }

    // Grafana's label_values(selector, label) is not PromQL; the series it lists are.
    private static string LabelValuesAsQuery(string query)
    {
        var inner = query["label_values(".Length..^1];
        var comma = inner.LastIndexOf(',');
        return $"group by ({inner[(comma + 1)..].Trim()}) ({inner[..comma].Trim()})";
    }

    public sealed record Rendered(string RuleFile, IReadOnlyDictionary<string, string> Alerts, IReadOnlyDictionary<string, string> TargetLabels);

    public sealed record DashboardQuery(string Where, string Expression);
}
