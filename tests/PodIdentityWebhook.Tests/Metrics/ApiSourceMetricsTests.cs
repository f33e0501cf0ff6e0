using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Telemetry;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Kubernetes;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>
/// The ServiceAccount cache's and the ConfigMap watch's size, last sync and watch restarts on
/// <c>/metrics</c>, with both from the API.
/// </summary>
public sealed class ApiSourceMetricsTests
{
    [Fact]
    public async Task Cache_size_last_sync_and_watch_restarts_follow_the_ServiceAccount_watch()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.Put("default", "s3-reader", "arn:aws:iam::111122223333:role/s3-reader");
        api.Put("default", "plain");
        var started = DateTimeOffset.UtcNow;
        await using var server = await WebhookServer.StartAsync(options => options with { ServiceAccountsFile = "", KubeApi = api.Url });
        await server.Services.GetRequiredService<ServiceAccountCache>().WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);
        using var restarts = new FirstMeasurement(server.Services.GetRequiredService<WebhookMetrics>(), WebhookMetrics.ServiceAccountWatchRestarts);

        var synced = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.Equal(2, synced.Value(WebhookMetrics.ServiceAccountCacheSize));
        Assert.InRange(synced.Value(WebhookMetrics.ServiceAccountLastSync), started.ToUnixTimeMilliseconds() / 1000.0 - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(0, synced.Value(WebhookMetrics.ServiceAccountWatchRestarts));

        // The watch is the second request after the list; end it once it is open.
        await Eventually.TrueAsync(() => api.ActiveWatches == 1, "watch open");
        api.EndWatches();
        await restarts.Seen.WaitAsync(Eventually.Deadline);

        var after = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.Equal(1, after.Value(WebhookMetrics.ServiceAccountWatchRestarts));
    }

    [Fact]
    public async Task The_ConfigMap_watch_feeds_the_same_series_as_the_ServiceAccount_watch()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.PutConfigMap("eks", "pod-identity-webhook", new Dictionary<string, string>
        {
            ["config"] = """{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/a"},"app/writer":{"RoleARN":"arn:aws:iam::111122223333:role/w"}}""",
        });
        var started = DateTimeOffset.UtcNow;
        await using var server = await WebhookServer.StartAsync(options => options with { ServiceAccountsFile = "", KubeApi = api.Url, WatchConfigMap = true });
        await server.Services.GetRequiredService<ConfigMapWatch>().WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);
        using var restarts = new FirstMeasurement(server.Services.GetRequiredService<WebhookMetrics>(), WebhookMetrics.ConfigMapWatchRestarts);

        var synced = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.Equal(2, synced.Value(WebhookMetrics.ConfigMapCacheSize));
        Assert.InRange(synced.Value(WebhookMetrics.ConfigMapLastSync), started.ToUnixTimeMilliseconds() / 1000.0 - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(0, synced.Value(WebhookMetrics.ConfigMapWatchRestarts));

        // Both watches (ServiceAccounts and the ConfigMap) open; end them together.
        await Eventually.TrueAsync(() => api.ActiveWatches == 2, "both watches open");
        api.EndWatches();
        await restarts.Seen.WaitAsync(Eventually.Deadline);
        api.PutConfigMap("eks", "pod-identity-webhook", new Dictionary<string, string>
        {
            ["config"] = """{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/a"}}""",
        });
        await Eventually.TrueAsync(() => server.Services.GetRequiredService<ConfigMapWatch>().Count == 1, "the new version applied");

        var after = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.Equal(1, after.Value(WebhookMetrics.ConfigMapWatchRestarts));
        Assert.Equal(1, after.Value(WebhookMetrics.ConfigMapCacheSize));
    }

    [Fact]
    public async Task Without_the_ConfigMap_watch_there_are_no_ConfigMap_series()
    {
        await using var api = await FakeApiServer.StartAsync();
        await using var server = await WebhookServer.StartAsync(options => options with { ServiceAccountsFile = "", KubeApi = api.Url });
        await server.Services.GetRequiredService<ServiceAccountCache>().WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);

        var scraped = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.DoesNotContain(scraped.Families.Keys, name => name.StartsWith("pod_identity_webhook_config_map_", StringComparison.Ordinal));
        Assert.Equal(0, scraped.Value(WebhookMetrics.ServiceAccountWatchRestarts));
    }

    /// <summary>Completes when the named counter of one host's meter first counts a non-zero value.</summary>
    private sealed class FirstMeasurement : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FirstMeasurement(WebhookMetrics metrics, string name)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
            {
                if (value > 0)
                {
                    _seen.TrySetResult();
                }
            });
            _listener.Start();
        }

        public Task Seen => _seen.Task;

        public void Dispose() => _listener.Dispose();
    }
}
