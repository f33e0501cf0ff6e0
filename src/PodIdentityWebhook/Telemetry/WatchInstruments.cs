using System.Diagnostics.Metrics;

namespace PodIdentityWebhook.Telemetry;

/// <summary>
/// The three series of one watched source (the ServiceAccounts, the identity ConfigMap): how
/// many entries it holds now, when it was last loaded whole, and how often its watch started
/// again. One shape for both, so a dashboard reads them alike. A series appears once its source
/// reports: no sync time before the first list, no size before <see cref="Observe"/>.
/// </summary>
internal sealed class WatchInstruments
{
    private readonly Counter<long> _restarts;
    private readonly TimeProvider _time;
    private long _lastSyncMilliseconds;
    private Func<int>? _count;

    /// <param name="names">The series' names: size, last sync, watch restarts.</param>
    /// <param name="subject">What the source holds, for the HELP texts ("ServiceAccounts").</param>
    public WatchInstruments(Meter meter, TimeProvider time, (string Size, string LastSync, string Restarts) names, string subject)
    {
        _time = time;
        meter.CreateObservableGauge(names.Size, ObserveSize, description: $"{subject} the webhook knows now");
        meter.CreateObservableGauge(
            names.LastSync,
            ObserveLastSync,
            unit: "s",
            description: $"When the {subject} were last loaded whole (API list or file read), in Unix seconds");
        _restarts = meter.CreateCounter<long>(
            names.Restarts, description: $"{subject} watches started again after the first one (timeout, error or expiry)");
    }

    /// <summary>The source was loaded whole (a complete API list, a file read).</summary>
    public void Synced() => Volatile.Write(ref _lastSyncMilliseconds, _time.GetUtcNow().ToUnixTimeMilliseconds());

    public void WatchRestarted() => _restarts.Add(1);

    /// <summary>What the size series reads at each collection: the entries known now.</summary>
    public void Observe(Func<int> count) => Volatile.Write(ref _count, count);

    /// <summary>A zero restart sample, so the series exists before the first restart.</summary>
    public void PublishZero() => _restarts.Add(0);

    private IEnumerable<Measurement<int>> ObserveSize()
    {
        if (Volatile.Read(ref _count) is { } count)
        {
            yield return new Measurement<int>(count());
        }
    }

    private IEnumerable<Measurement<double>> ObserveLastSync()
    {
        var milliseconds = Volatile.Read(ref _lastSyncMilliseconds);
        if (milliseconds > 0)
        {
            yield return new Measurement<double>(milliseconds / 1000.0);
        }
    }
}
