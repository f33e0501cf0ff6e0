using System.Globalization;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// The running value of one label set of one instrument. Updates are lock-free (Interlocked),
/// so measuring on the admission path never waits for a scrape or another request.
/// </summary>
internal sealed class MetricSeries
{
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly long[]? _buckets;
    private double _value;
    private double _sum;

    /// <param name="bucketCount">Histogram bucket count including +Inf; 0 for counters and gauges.</param>
    public MetricSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags, int bucketCount)
    {
        _tags = tags.ToArray();
        _buckets = bucketCount > 0 ? new long[bucketCount] : null;
    }

    /// <summary>Same tag names and values, in any order.</summary>
    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != _tags.Length)
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (!Contains(tag))
            {
                return false;
            }
        }

        return true;
    }

    public void Add(double value) => AddTo(ref _value, value);

    public void Set(double value) => Interlocked.Exchange(ref _value, value);

    /// <summary>Counts <paramref name="value"/> in the first bucket whose upper bound is at least it.</summary>
    public void Record(double value, double[] bounds)
    {
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _buckets![bucket]);
        AddTo(ref _sum, value);
    }

    public MetricPoint Snapshot()
    {
        var labels = new KeyValuePair<string, string>[_tags.Length];
        for (var i = 0; i < _tags.Length; i++)
        {
            labels[i] = new(_tags[i].Key, Convert.ToString(_tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        if (_buckets is null)
        {
            return new MetricPoint(labels, Volatile.Read(ref _value), null, 0);
        }

        // The count is the sum of the buckets read here, so +Inf always equals _count even
        // while observations arrive; the sum may run one observation ahead.
        var buckets = new long[_buckets.Length];
        long count = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = Interlocked.Read(ref _buckets[i]);
            count += buckets[i];
        }

        return new MetricPoint(labels, count, buckets, Volatile.Read(ref _sum));
    }

    private bool Contains(KeyValuePair<string, object?> tag)
    {
        foreach (var own in _tags)
        {
            if (string.Equals(own.Key, tag.Key, StringComparison.Ordinal))
            {
                return Equals(own.Value, tag.Value);
            }
        }

        return false;
    }

    private static void AddTo(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}
