using System.Diagnostics.Metrics;
using PodIdentityWebhook.Hosting;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// Aggregates the measurements of one <see cref="WebhookMetrics"/> meter, as the Prometheus
/// client libraries do: running totals for counters, last values for gauges, cumulative
/// buckets for histograms. Instruments of other meters (the framework's, another host's in
/// the same process) are ignored. Observable instruments are read at scrape time.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<InstrumentAggregate> _aggregates = [];
    private readonly Lock _scrape = new();

    public MetricsCollector(WebhookMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, metrics.Meter) || InstrumentAggregate.For(instrument) is not { } aggregate)
            {
                return;
            }

            lock (_aggregates)
            {
                _aggregates.Add(aggregate);
            }

            listener.EnableMeasurementEvents(instrument, aggregate);
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Measure(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Measure(value, tags));
        _listener.Start();
        metrics.PublishZeros();
    }

    /// <summary>Reads the observable instruments, then every instrument's series, sorted by name.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_scrape)
        {
            _listener.RecordObservableInstruments();
            InstrumentAggregate[] aggregates;
            lock (_aggregates)
            {
                aggregates = [.. _aggregates];
            }

            return [.. aggregates.Select(a => a.Snapshot()).OrderBy(f => f.Name, StringComparer.Ordinal)];
        }
    }

    public void Dispose() => _listener.Dispose();
}
