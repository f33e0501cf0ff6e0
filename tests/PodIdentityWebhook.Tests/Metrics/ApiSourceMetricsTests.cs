using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Telemetry;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Kubernetes;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>The ServiceAccount cache's size, last sync and watch restarts on <c>/metrics</c>, with ServiceAccounts from the API.</summary>
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
