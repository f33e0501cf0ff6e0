using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Metrics;
using PodIdentityWebhook.Telemetry;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>
/// Each stream holds at most <see cref="MetricsServices.SeriesLimit"/> series (OpenTelemetry
/// sizes its storage for the limit up front); past it, measurements go to one more series, the overflow.
/// </summary>
public sealed class SeriesLimitTests
{
    [Fact]
    public async Task A_stream_past_its_series_limit_counts_the_rest_in_one_overflow_series()
    {
        await using var server = await WebhookServer.StartAsync();
        var metrics = server.Services.GetRequiredService<WebhookMetrics>();
        var distinct = MetricsServices.SeriesLimit + 40;
        for (var code = 0; code < distinct; code++)
        {
            metrics.Request("POST", "/mutate", 1000 + code, TimeSpan.FromMilliseconds(1));
        }

        var series = (await MetricsEndpointTests.ScrapeAsync(server)).Families[WebhookMetrics.RequestCount].Samples;

        Assert.Equal(MetricsServices.SeriesLimit + 1, series.Count);
        var overflow = Assert.Single(series, s => s.Labels.TryGetValue("otel_metric_overflow", out var value) && value == "true");
        Assert.Equal(distinct, series.Sum(s => s.Value));
        Assert.True(overflow.Value > 0);
    }
}
