namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Capped exponential backoff with ±20% jitter, so replicas that failed together do not
/// retry together. Not thread-safe: one per loop.
/// </summary>
internal sealed class Backoff
{
    private const double Jitter = 0.2;

    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan _next;

    public Backoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial;
        _max = max;
        _next = initial;
    }

    public TimeSpan Next()
    {
        var current = _next;
        _next = TimeSpan.FromTicks(Math.Min(_max.Ticks, current.Ticks * 2));
        var factor = 1 + (Jitter * ((Random.Shared.NextDouble() * 2) - 1));
        return TimeSpan.FromTicks((long)(current.Ticks * factor));
    }

    public void Reset() => _next = _initial;
}
