using System.Diagnostics;
using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The published Native AOT webhook, with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, sends one
/// <c>admission review</c> span per review and its metrics to the collector named, over both
/// protocols docs/operating.md promises: the unit suite's OTLP test runs the JIT host in-process and
/// only sees that requests arrive, so trimming or AOT breaking the exporter (or its gRPC path)
/// would go unnoticed there. A <see cref="OtlpReceiver"/> on loopback stands in for the
/// collector and the test reads the protobuf it receives. No API server is needed.
/// </summary>
public sealed class OtlpExportTests(ITestOutputHelper output)
{
    private const string ServiceName = "piw-e2e-otlp";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Metrics every export carries once a review was answered: counted per request and per pod, and gauges always observed.</summary>
    private static readonly string[] ExpectedMetrics =
    [
        "http_request_count",
        "http_request_latencies",
        "admission_duration_seconds",
        "pod_identity_webhook_pod_count",
        "pod_identity_webhook_pod_not_mutated_count",
        "pod_identity_webhook_used",
        "pod_identity_webhook_build_info",
        "pod_identity_webhook_serving_certificate_expiry_timestamp_seconds",
        "process_resident_memory_bytes",
    ];

    [Theory]
    [InlineData(OtlpReceiver.Grpc)]
    [InlineData(OtlpReceiver.HttpProtobuf)]
    public async Task Published_webhook_exports_review_spans_and_metrics_over_OTLP(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync(protocol);
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address,
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_SERVICE_NAME"] = ServiceName,
        };
        if (protocol != OtlpReceiver.Grpc)
        {
            // gRPC is the default: it runs with the variable unset, as most deployments do.
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol;
        }

        await using var webhook = await RunningWebhook.StartLocalAsync(environment, "--aws-default-region", "us-west-2");
        using (var http = new HttpClient(KubeRest.TrustingHandler(webhook.CaPem)) { Timeout = TimeSpan.FromSeconds(10) })
        {
            // s3-reader has a role in examples/service-accounts.yaml; default has none.
            Assert.Contains("\"patch\"", await webhook.ReviewExampleAsync(http, "s3-reader"), StringComparison.Ordinal);
            Assert.DoesNotContain("\"patch\"", await webhook.ReviewExampleAsync(http, "default"), StringComparison.Ordinal);
        }

        var (spans, metrics) = await WaitForExportAsync(receiver);
        var resource = spans.Count > 0 ? spans[0].Resource : metrics.Count > 0 ? metrics[0].Resource : new Dictionary<string, string>();
        string Seen() =>
            $"\nrequests to the receiver:\n{string.Join('\n', receiver.Requests)}\n" +
            $"resource: {string.Join(", ", resource.Select(a => $"{a.Key}={a.Value}"))}\n" +
            $"spans: {string.Join("; ", spans.Select(Describe))}\nmetrics: {string.Join(", ", metrics.Select(m => m.Name).Distinct())}\n" +
            $"webhook log:\n{webhook.Tail()}";
        output.WriteLine(Seen());

        Assert.True(spans.Count > 0, $"no span exported over {protocol} to {receiver.Address} within {Wait.TotalSeconds} s{Seen()}");
        Assert.True(metrics.Count > 0, $"no metric exported over {protocol} to {receiver.Address} within {Wait.TotalSeconds} s{Seen()}");
        Assert.All(spans, span => Assert.Equal(ServiceName, span.Resource.GetValueOrDefault("service.name")));
        Assert.All(metrics, metric => Assert.Equal(ServiceName, metric.Resource.GetValueOrDefault("service.name")));

        var reviews = spans.Where(s => s.Name == "admission review").ToList();
        Assert.True(reviews.Count == 2, $"expected 2 'admission review' spans{Seen()}");
        Assert.All(reviews, span => Assert.Equal("PodIdentityWebhook", span.Scope));
        Assert.All(reviews, span => Assert.Equal("200", span.Attributes.GetValueOrDefault("http.response.status_code")));
        Assert.All(reviews, span => Assert.Equal("default", span.Attributes.GetValueOrDefault("k8s.namespace.name")));
        var mutated = Assert.Single(reviews, s => s.Attributes.GetValueOrDefault("pod_identity_webhook.service_account") == "s3-reader");
        Assert.Equal("sts_web_identity", mutated.Attributes.GetValueOrDefault("pod_identity_webhook.method"));
        Assert.False(mutated.Attributes.ContainsKey("pod_identity_webhook.not_mutated_reason"), Seen());
        var unmutated = Assert.Single(reviews, s => s.Attributes.GetValueOrDefault("pod_identity_webhook.service_account") == "default");
        Assert.False(string.IsNullOrEmpty(unmutated.Attributes.GetValueOrDefault("pod_identity_webhook.not_mutated_reason")), Seen());
        Assert.All(reviews, span => Assert.DoesNotContain(span.Attributes.Values, value => value.StartsWith("reader-", StringComparison.Ordinal)));

        var names = metrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(ExpectedMetrics, name => Assert.True(names.Contains(name), $"no {name}{Seen()}"));
        Assert.All(metrics, metric => Assert.Equal("PodIdentityWebhook", metric.Scope));
        Assert.True(PodsMutated(metrics) >= 1, $"pod_identity_webhook_pod_count{{method=\"sts_web_identity\"}} never reached 1{Seen()}");
        Assert.True(ReviewsAnswered(metrics) >= 2, $"http_request_count{{verb=\"POST\",path=\"/mutate\",code=\"200\"}} never reached 2{Seen()}");
    }

    /// <summary>
    /// Polls until both review spans and every expected metric, with the pod and both reviews counted, have arrived,
    /// or <see cref="Wait"/> has passed (spans go out in batches every 5 s, metrics every second here).
    /// </summary>
    private static async Task<(IReadOnlyList<OtlpReceiver.ExportedSpan> Spans, IReadOnlyList<OtlpReceiver.ExportedMetric> Metrics)> WaitForExportAsync(OtlpReceiver receiver)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var spans = receiver.Spans();
            var metrics = receiver.Metrics();
            var complete = spans.Count(s => s.Name == "admission review") >= 2
                && ExpectedMetrics.All(name => metrics.Any(m => m.Name == name))
                && PodsMutated(metrics) >= 1
                && ReviewsAnswered(metrics) >= 2;
            if (complete || clock.Elapsed > Wait)
            {
                return (spans, metrics);
            }

            await Task.Delay(250);
        }
    }

    private static double PodsMutated(IEnumerable<OtlpReceiver.ExportedMetric> metrics) =>
        Highest(metrics, "pod_identity_webhook_pod_count", ("method", "sts_web_identity"));

    private static double ReviewsAnswered(IEnumerable<OtlpReceiver.ExportedMetric> metrics) =>
        Highest(metrics, "http_request_count", ("verb", "POST"), ("path", "/mutate"), ("code", "200"));

    /// <summary>The highest value the series of <paramref name="name"/> with these labels was exported with (sums are cumulative); 0 if never.</summary>
    private static double Highest(IEnumerable<OtlpReceiver.ExportedMetric> metrics, string name, params (string Key, string Value)[] labels) =>
        metrics.Where(m => m.Name == name)
            .SelectMany(m => m.Points)
            .Where(p => labels.All(l => p.Attributes.GetValueOrDefault(l.Key) == l.Value))
            .Select(p => p.Value)
            .DefaultIfEmpty(0)
            .Max();

    private static string Describe(OtlpReceiver.ExportedSpan span) =>
        $"{span.Name} [{span.Scope}] {{{string.Join(", ", span.Attributes.Select(a => $"{a.Key}={a.Value}"))}}}";
}
