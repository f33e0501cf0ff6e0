using Microsoft.Extensions.Time.Testing;
using PodIdentityWebhook.Tests.Identity;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// A fake clock that counts the timers made on it, so a test can wait until the code under
/// test is parked on a delay (<c>Task.Delay</c> with a TimeProvider makes one timer per wait)
/// before it advances the clock.
/// </summary>
internal sealed class TimerCountingTimeProvider : FakeTimeProvider
{
    private int _timers;

    public int TimersCreated => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timers);
        return timer;
    }

    /// <summary>Completes once <paramref name="count"/> timers have been made; each is armed by then, so Advance fires it.</summary>
    public Task TimersCreatedAsync(int count, string what) =>
        Eventually.TrueAsync(() => TimersCreated >= count, $"{what} ({count} timers)");
}
