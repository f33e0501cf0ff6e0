namespace PodIdentityWebhook.Metrics;

/// <summary>One series of a <see cref="MetricFamily"/> at scrape time.</summary>
/// <param name="Labels">Sorted by name.</param>
/// <param name="Value">Counter or gauge value; for a histogram, the observation count.</param>
/// <param name="BucketCounts">Histogram only: observations per bucket (not cumulative), the last one for +Inf.</param>
/// <param name="Sum">Histogram only: the sum of the observations.</param>
internal sealed record MetricPoint(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, IReadOnlyList<long>? BucketCounts, double Sum);
