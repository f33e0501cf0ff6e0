using System.Diagnostics;

namespace PodIdentityWebhook.Tests.Identity;

/// <summary>Polls a condition until it holds or a deadline passes; never a fixed sleep as the assertion.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline)
            {
                Assert.Fail($"Timed out after {Deadline.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
