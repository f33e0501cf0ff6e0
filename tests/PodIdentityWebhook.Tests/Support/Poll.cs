using System.Diagnostics;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>Polls an asynchronous condition until it holds or a deadline passes; never a fixed sleep as the assertion.</summary>
internal static class Poll
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Deadline)
            {
                Assert.Fail($"Timed out after {Deadline.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }
}
