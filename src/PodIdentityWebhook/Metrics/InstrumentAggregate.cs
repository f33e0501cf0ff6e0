using System.Diagnostics.Metrics;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// Everything measured by one instrument, one <see cref="MetricSeries"/> per label set.
/// Finding a known series reads an immutable array without locks or allocation; only a new
/// label set takes the lock and copies the array.
/// </summary>
internal sealed class InstrumentAggregate
{
    /// <summary>Series beyond this many are dropped: a guard against a label fed by client input.</summary>
    public const int MaxSeries = 1000;

    // Prometheus's default buckets, for a histogram created without advice.
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _gate = new();
    private readonly Update _update;
    private readonly double[] _bounds;
    private volatile MetricSeries[] _series = [];

    private InstrumentAggregate(string name, string help, MetricType type, Update update, double[] bounds)
    {
        Name = name;
        Help = help;
        Type = type;
        _update = update;
        _bounds = bounds;
    }

    private enum Update
    {
        Add,
        Set,
        Record,
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    /// <summary>The aggregate for an instrument, or null for a kind this exposition does not know.</summary>
    public static InstrumentAggregate? For(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var kind = instrument.GetType().GetGenericTypeDefinition();
        var help = instrument.Description ?? instrument.Name;
        if (kind == typeof(Counter<>))
        {
            return new(instrument.Name, help, MetricType.Counter, Update.Add, []);
        }

        if (kind == typeof(ObservableCounter<>))
        {
            // Observable counters report their running total.
            return new(instrument.Name, help, MetricType.Counter, Update.Set, []);
        }

        if (kind == typeof(UpDownCounter<>))
        {
            return new(instrument.Name, help, MetricType.Gauge, Update.Add, []);
        }

        if (kind == typeof(Gauge<>) || kind == typeof(ObservableGauge<>) || kind == typeof(ObservableUpDownCounter<>))
        {
            return new(instrument.Name, help, MetricType.Gauge, Update.Set, []);
        }

        if (kind == typeof(Histogram<>))
        {
            return new(instrument.Name, help, MetricType.Histogram, Update.Record, BoundsOf(instrument));
        }

        return null;
    }

    public void Measure(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Find(tags) is not { } series)
        {
            return;
        }

        switch (_update)
        {
            case Update.Add:
                series.Add(value);
                break;
            case Update.Set:
                series.Set(value);
                break;
            default:
                series.Record(value, _bounds);
                break;
        }
    }

    public MetricFamily Snapshot()
    {
        var series = _series;
        var points = new MetricPoint[series.Length];
        for (var i = 0; i < series.Length; i++)
        {
            points[i] = series[i].Snapshot();
        }

        return new MetricFamily(Name, Help, Type, _bounds, points);
    }

    private MetricSeries? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var known in _series)
        {
            if (known.Matches(tags))
            {
                return known;
            }
        }

        lock (_gate)
        {
            var current = _series;
            foreach (var known in current)
            {
                if (known.Matches(tags))
                {
                    return known;
                }
            }

            if (current.Length >= MaxSeries)
            {
                return null;
            }

            var created = new MetricSeries(tags, Type == MetricType.Histogram ? _bounds.Length + 1 : 0);
            _series = [.. current, created];
            return created;
        }
    }

    private static double[] BoundsOf(Instrument instrument)
    {
        var bounds = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };
        return bounds is { Length: > 0 } ? bounds : DefaultBounds;
    }
}
