using System.Diagnostics.Metrics;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Tests.Identity;

/// <summary>Listens to one <see cref="WebhookMetrics"/> instance's missing-ServiceAccount counter.</summary>
internal sealed class MissingServiceAccountCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public MissingServiceAccountCounter(WebhookMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == WebhookMetrics.MissingServiceAccountCount)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
