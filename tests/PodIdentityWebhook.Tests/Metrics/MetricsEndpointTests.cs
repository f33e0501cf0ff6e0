using System.Net;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary><c>/metrics</c> on the metrics port of the real host, read whole by the strict parser.</summary>
public sealed class MetricsEndpointTests
{
    private const string Irsa = "sts_web_identity";
    private const string ContainerCredentials = "container_credentials";

    [Fact]
    public async Task Metrics_after_known_traffic_count_reviews_by_method_and_requests_by_verb_path_and_code()
    {
        await using var server = await WebhookServer.StartAsync();
        var before = await ScrapeAsync(server);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.MutateAsync(Review("s3-reader"))).Status);
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.MutateAsync(Review("pod-identity"))).Status);
        }

        Reviews.AssertAllowedUnchanged(await server.Client.MutateAsync(Review("no-role")));
        Reviews.AssertAllowedUnchanged(await server.Client.MutateAsync(Review("unknown")));
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.MutateAsync("{not json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).Status);
        var after = await ScrapeAsync(server);

        double Delta(string name, params (string, string)[] labels) =>
            after.Value(name, labels) - (before.Find(name, labels) ?? 0);

        Assert.Equal(3, Delta(WebhookMetrics.PodCount, ("method", Irsa)));
        Assert.Equal(2, Delta(WebhookMetrics.PodCount, ("method", ContainerCredentials)));
        Assert.Equal(1, Delta(WebhookMetrics.MissingServiceAccountCount));
        Assert.Equal(7, Delta(WebhookMetrics.RequestCount, ("verb", "POST"), ("path", "/mutate"), ("code", "200")));
        Assert.Equal(1, Delta(WebhookMetrics.RequestCount, ("verb", "POST"), ("path", "/mutate"), ("code", "400")));
        Assert.Null(after.Find(WebhookMetrics.RequestCount, ("verb", "GET"), ("path", "/healthz"), ("code", "200")));
        Assert.Equal(8, Delta(WebhookMetrics.RequestLatencies + "_count", ("verb", "POST"), ("path", "/mutate")));
        Assert.Equal(8, Delta(WebhookMetrics.AdmissionDuration + "_count"));
        Assert.True(Delta(WebhookMetrics.AdmissionDuration + "_sum") > 0);
        Assert.Equal(1, after.Value(WebhookMetrics.Used));
        Assert.Equal("histogram", after.Families[WebhookMetrics.RequestLatencies].Type);
        Assert.Equal("counter", after.Families[WebhookMetrics.RequestCount].Type);
        Assert.Equal("gauge", after.Families[WebhookMetrics.Used].Type);
    }

    [Fact]
    public async Task Pod_count_counts_a_reinvocation_that_changes_nothing_as_the_reference_does()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = Reviews.Pod("s3-reader");
        var first = await server.Client.MutateAsync(Reviews.For(pod).ToJsonString());
        var mutated = JsonPatch.Apply(pod, Reviews.Patch(first.Response));
        var before = await ScrapeAsync(server);

        Reviews.AssertAllowedUnchanged(await server.Client.MutateAsync(Reviews.For(mutated).ToJsonString()));
        var after = await ScrapeAsync(server);

        Assert.Equal(1, after.Value(WebhookMetrics.PodCount, ("method", Irsa)) - before.Value(WebhookMetrics.PodCount, ("method", Irsa)));
    }

    [Fact]
    public async Task Probes_and_stray_paths_are_not_counted_as_requests()
    {
        await using var server = await WebhookServer.StartAsync();

        await server.Client.GetAsync("/healthz");
        await server.Client.ProbeAsync("/readyz");
        await server.Client.GetAsync("/nothing-here");
        var metrics = await ScrapeAsync(server);

        Assert.DoesNotContain(metrics.Families.GetValueOrDefault(WebhookMetrics.RequestCount)?.Samples ?? [], s => s.Labels["path"] != "/mutate");
    }

    [Fact]
    public async Task Metrics_include_process_and_runtime_figures()
    {
        await using var server = await WebhookServer.StartAsync();

        var metrics = await ScrapeAsync(server);

        Assert.True(metrics.Value("process_cpu_seconds_total") > 0);
        Assert.True(metrics.Value("process_resident_memory_bytes") > 1_000_000);
        Assert.True(metrics.Value("process_virtual_memory_bytes") > 1_000_000);
        Assert.True(metrics.Value("process_open_fds") > 0);
        Assert.True(metrics.Value("process_max_fds") >= metrics.Value("process_open_fds"));
        Assert.True(metrics.Value("process_threads") > 1);
        var started = DateTimeOffset.FromUnixTimeMilliseconds((long)(metrics.Value("process_start_time_seconds") * 1000));
        Assert.InRange(started, DateTimeOffset.UtcNow.AddHours(-3), DateTimeOffset.UtcNow);
        Assert.True(metrics.Value("dotnet_gc_collections_total", ("generation", "0")) >= 0);
        Assert.True(metrics.Value("dotnet_gc_heap_size_bytes") >= 0);
        Assert.True(metrics.Value("dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(metrics.Value("dotnet_threadpool_threads") >= 1);
        Assert.Equal("counter", metrics.Families["process_cpu_seconds_total"].Type);
        Assert.Equal("gauge", metrics.Families["process_resident_memory_bytes"].Type);
    }

    [Fact]
    public async Task Used_is_1_as_soon_as_any_ServiceAccount_is_cached_annotated_or_not_as_the_reference()
    {
        using var directory = new TempDirectory();
        var none = directory.Write("none.yaml", "apiVersion: v1\nkind: List\nitems: []\n");
        var plain = directory.Write("plain.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: plain\n  namespace: default\n");
        await using var empty = await WebhookServer.StartAsync(options => options with { ServiceAccountsFile = none });
        await using var unannotated = await WebhookServer.StartAsync(options => options with { ServiceAccountsFile = plain });

        Assert.Equal(0, (await ScrapeAsync(empty)).Value(WebhookMetrics.Used));
        Assert.Equal(1, (await ScrapeAsync(unannotated)).Value(WebhookMetrics.Used));
    }

    [Fact]
    public async Task Metrics_port_does_not_serve_the_webhook_and_the_webhook_port_does_not_serve_metrics()
    {
        await using var server = await WebhookServer.StartAsync();

        using var mutate = await server.Metrics.PostAsync("/mutate", new StringContent(Review("s3-reader"), null, "application/json"));
        var metricsOnWebhookPort = await server.Client.GetAsync("/metrics");
        using var put = await server.Metrics.PutAsync("/metrics", new StringContent(""));
        using var head = await server.Metrics.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics"));

        Assert.Equal(HttpStatusCode.NotFound, mutate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, metricsOnWebhookPort.Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Pods_left_unpatched_are_counted_by_reason()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = Reviews.Pod("s3-reader");
        var mutated = JsonPatch.Apply(pod, Reviews.Patch((await server.Client.MutateAsync(Reviews.For(pod).ToJsonString())).Response));
        var wrongShape = Reviews.Pod("s3-reader");
        wrongShape["spec"]!["containers"]![0]!["env"] = "AWS_REGION=eu-west-1";
        var before = await ScrapeAsync(server);

        Reviews.AssertAllowedUnchanged(await server.Client.MutateAsync(Reviews.For(mutated).ToJsonString()));
        Reviews.AssertAllowedUnchanged(await server.Client.MutateAsync(Review("no-role")));
        Reviews.AssertAllowedUnchanged(await server.Client.MutateAsync(Review("no-role")));
        Reviews.AssertAllowedUnchanged(await server.Client.MutateAsync(Review("unknown")));
        Reviews.AssertRefused(await server.Client.MutateAsync(Reviews.For(wrongShape).ToJsonString()));
        Reviews.AssertRefused(await server.Client.MutateAsync(Reviews.For("a pod").ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.MutateAsync(Review("s3-reader"))).Status);
        var after = await ScrapeAsync(server);

        double Delta(string reason) =>
            after.Value(WebhookMetrics.PodNotMutatedCount, ("reason", reason)) - before.Value(WebhookMetrics.PodNotMutatedCount, ("reason", reason));

        Assert.Equal(1, Delta("already_mutated"));
        Assert.Equal(2, Delta("no_identity"));
        Assert.Equal(1, Delta("service_account_not_found"));
        Assert.Equal(1, Delta("refused"));
        Assert.Equal(1, Delta("invalid_pod"));
        Assert.Equal(5, after.Families[WebhookMetrics.PodNotMutatedCount].Samples.Count);
        Assert.Equal("counter", after.Families[WebhookMetrics.PodNotMutatedCount].Type);
    }

    [Fact]
    public async Task Build_info_names_the_version_and_revision_and_the_file_source_reports_its_size_and_load_time()
    {
        var started = DateTimeOffset.UtcNow;
        await using var server = await WebhookServer.StartAsync();

        var metrics = await ScrapeAsync(server);

        var build = Assert.Single(metrics.Families[WebhookMetrics.BuildInfo].Samples);
        Assert.Equal(1, build.Value);
        Assert.Equal(["revision", "version"], build.Labels.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ProductVersion.Split(ProductVersion.Informational).Version, build.Labels["version"]);
        Assert.Equal("gauge", metrics.Families[WebhookMetrics.BuildInfo].Type);
        Assert.Equal(3, metrics.Value(WebhookMetrics.ServiceAccountCacheSize));
        Assert.InRange(metrics.Value(WebhookMetrics.ServiceAccountLastSync), started.ToUnixTimeMilliseconds() / 1000.0 - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(0, metrics.Value(WebhookMetrics.ServiceAccountWatchRestarts));
    }

    [Fact]
    public async Task A_fresh_host_exposes_zeros_and_none_of_another_hosts_counts()
    {
        await using var busy = await WebhookServer.StartAsync();
        Reviews.AssertAllowedUnchanged(await busy.Client.MutateAsync(Review("unknown")));
        Assert.Equal(HttpStatusCode.OK, (await busy.Client.MutateAsync(Review("s3-reader"))).Status);
        await using var fresh = await WebhookServer.StartAsync();

        var metrics = await ScrapeAsync(fresh);

        Assert.Equal(0, metrics.Value(WebhookMetrics.MissingServiceAccountCount));
        Assert.Equal(0, metrics.Value(WebhookMetrics.PodCount, ("method", Irsa)));
        Assert.Equal(0, metrics.Value(WebhookMetrics.PodCount, ("method", ContainerCredentials)));
        Assert.Null(metrics.Find(WebhookMetrics.RequestCount, ("verb", "POST"), ("path", "/mutate"), ("code", "200")));
        Assert.All(NotMutatedReasons.All, reason => Assert.Equal(0, metrics.Value(WebhookMetrics.PodNotMutatedCount, ("reason", reason))));
        Assert.Equal(1, (await ScrapeAsync(busy)).Value(WebhookMetrics.MissingServiceAccountCount));
    }

    [Fact]
    public async Task The_exposition_has_no_OpenTelemetry_scope_labels_or_target_info_even_for_an_OpenMetrics_scraper()
    {
        await using var server = await WebhookServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");

        using var response = await server.Metrics.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.DoesNotContain("otel_scope", text, StringComparison.Ordinal);
        Assert.DoesNotContain("target_info", text, StringComparison.Ordinal);
        Assert.DoesNotContain("# EOF", text, StringComparison.Ordinal);
        var metrics = PrometheusExposition.Parse(text);
        Assert.Equal("counter", metrics.Families[WebhookMetrics.MissingServiceAccountCount].Type);
        Assert.Equal(
            ["125000", "250000", "500000", "1000000", "2000000", "4000000", "8000000", "+Inf"],
            LatencyBucketsAfterOneReview(await ServeOneAsync(server)));
    }

    internal static async Task<PrometheusExposition> ScrapeAsync(WebhookServer server)
    {
        using var response = await server.Metrics.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return PrometheusExposition.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<PrometheusExposition> ServeOneAsync(WebhookServer server)
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Client.MutateAsync(Review("s3-reader"))).Status);
        return await ScrapeAsync(server);
    }

    private static string[] LatencyBucketsAfterOneReview(PrometheusExposition metrics) =>
        [.. metrics.Families[WebhookMetrics.RequestLatencies].Samples.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => s.Labels["le"])];

    private static string Review(string serviceAccount) => Reviews.For(Reviews.Pod(serviceAccount)).ToJsonString();
}
