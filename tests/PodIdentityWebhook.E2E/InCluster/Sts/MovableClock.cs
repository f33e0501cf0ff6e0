namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// The real clock plus an offset a test can move forward: tokens from TokenRequest live at
/// least ten minutes, so expiry is tested by moving the stand-in's "now" past them.
/// </summary>
internal sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
