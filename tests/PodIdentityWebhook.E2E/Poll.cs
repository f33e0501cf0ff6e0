using System.Diagnostics;

namespace PodIdentityWebhook.E2E;

/// <summary>Waits for a condition with a deadline, returning how long it took.</summary>
internal static class Poll
{
    public static async Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"not within {deadline.TotalMilliseconds} ms: {what}");
            }

            await Task.Delay(10);
        }

        return clock.Elapsed;
    }

    /// <summary>The same for a condition that needs a call (to the API server): polled every 100 ms.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"not within {deadline.TotalMilliseconds} ms: {what}");
            }

            await Task.Delay(100);
        }

        return clock.Elapsed;
    }
}
