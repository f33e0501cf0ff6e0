namespace PodIdentityWebhook.Metrics;

/// <summary>The Prometheus metric types this exposition writes.</summary>
internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
