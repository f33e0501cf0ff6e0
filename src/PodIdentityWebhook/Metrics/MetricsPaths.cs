namespace PodIdentityWebhook.Metrics;

/// <summary>
/// Paths served on --metrics-port.
/// </summary>
internal static class MetricsPaths
{
    public const string MetricsPath = "/metrics";

    public const string DebugCachePath = "/debug/alpha/cache";

    public const string DebugCacheClearPath = "/debug/alpha/cache/clear";

    /// <summary>Ours: what every identity source holds, with sync state (the reference's path has its shape).</summary>
    public const string DebugCacheDetailsPath = "/debug/alpha/cache/details";
}
