namespace PodIdentityWebhook.Metrics;

/// <summary>One metric (one instrument) at scrape time: its HELP, TYPE and series.</summary>
/// <param name="Bounds">Histogram bucket upper bounds, ascending, without +Inf; empty otherwise.</param>
internal sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<double> Bounds, IReadOnlyList<MetricPoint> Points);
