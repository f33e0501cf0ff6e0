using System.Globalization;
using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The published webhook gives back the pages of its own code and read-only data that start-up
/// touched, at its first memory look (5 s after start), and answers reviews as before: the code
/// a review runs comes back from the file on first touch. Only a real process shows this, with
/// the kernel mapping the binary's pages 64 KB around each one touched.
/// </summary>
public sealed class StartUpPagesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Published_webhook_gives_back_the_pages_start_up_touched_and_goes_on_answering()
    {
        await using var webhook = await RunningWebhook.StartLocalAsync(new Dictionary<string, string>(), "--aws-default-region", "us-west-2");
        var atReady = ExecutableReadOnlyResident(webhook.ProcessId);
        Assert.True(atReady > 0, "the webhook's binary has no resident read-only page at ready");

        var released = atReady;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Wait && released > atReady / 2)
        {
            await Task.Delay(250);
            released = ExecutableReadOnlyResident(webhook.ProcessId);
        }

        using var http = new HttpClient(KubeRest.TrustingHandler(webhook.CaPem)) { Timeout = TimeSpan.FromSeconds(10) };
        // s3-reader has a role in examples/service-accounts.yaml.
        var answer = await webhook.ReviewExampleAsync(http, "s3-reader");
        var afterReview = ExecutableReadOnlyResident(webhook.ProcessId);
        output.WriteLine($"binary's read-only pages resident: {atReady} kB at ready, {released} kB after {clock.Elapsed.TotalSeconds:F1} s, {afterReview} kB after a review");

        Assert.True(released <= atReady / 2, $"{atReady} kB at ready, still {released} kB after {Wait.TotalSeconds} s\n{webhook.Tail()}");
        Assert.Contains("\"patch\"", answer, StringComparison.Ordinal);
        Assert.True(afterReview > released, "the review's code did not come back from the file");
    }

    /// <summary>Resident kilobytes of the private read-only mappings of the process's own executable.</summary>
    private static long ExecutableReadOnlyResident(int processId)
    {
        var executable = new FileInfo($"/proc/{processId}/exe").LinkTarget
            ?? throw new InvalidOperationException($"/proc/{processId}/exe is not a link");
        long total = 0;
        var counting = false;
        foreach (var line in File.ReadLines($"/proc/{processId}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 6 && fields[0].Contains('-'))
            {
                counting = fields[1] is "r--p" or "r-xp" && string.Join(' ', fields[5..]) == executable;
            }
            else if (counting && fields is ["Rss:", var kilobytes, "kB"])
            {
                total += long.Parse(kilobytes, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
