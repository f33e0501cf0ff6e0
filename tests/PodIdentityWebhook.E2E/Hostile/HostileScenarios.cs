using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>
/// The attacks of the reliability issue, each as one peer inside the cluster would mount it
/// (any pod can reach the webhook port). Each runs until its token fires.
/// </summary>
internal static class HostileScenarios
{
    private const int EightMegabytes = 8 * 1024 * 1024;

    /// <summary>64 HTTP/1.1 connections each declare 8 MiB, send all but 608 bytes as fast as the webhook takes them, and stop.</summary>
    public static readonly AttackScenario HalfSentBodies = new("64 half-sent 8 MB bodies (HTTP/1.1)", async (target, stop) =>
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            await using var connection = await target.OpenRawAsync();
            await connection.SendHeadAsync(EightMegabytes);
            var sending = connection.SendUntilRefusedAsync(new byte[64 * 1024], EightMegabytes - 608);
            target.RecordHead(await connection.ReadHeadAsync(Remaining(stop)));
            await sending;
            await Hold(stop);
        })));

    /// <summary>One HTTP/2 connection, 100 streams each declaring 8 MiB, sending half and stalling.</summary>
    public static readonly AttackScenario StalledHttp2Streams = new("100 stalled HTTP/2 streams of 8 MB, one connection", async (target, stop) =>
    {
        using var http = target.Client(HttpVersion.Version20);
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            var content = new StallingContent(EightMegabytes, EightMegabytes / 2, stop);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            await SendAsync(target, http, content, stop);
        }));
    });

    /// <summary>32 clients post valid 7 MB reviews back to back.</summary>
    public static readonly AttackScenario LargeReviews = new("32 clients posting 7 MB reviews", async (target, stop) =>
    {
        var review = Encoding.UTF8.GetBytes(PaddedReview(7 * 1024 * 1024));
        using var http = target.Client(HttpVersion.Version11, connections: 32);
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var content = new ByteArrayContent(review);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                await SendAsync(target, http, content, stop);
            }
        }));
    });

    /// <summary>8 clients post 100,000-container reviews over new connections and never read the answer.</summary>
    public static readonly AttackScenario UnreadAnswers = new("8 clients posting 100,000-container reviews, never reading", async (target, stop) =>
    {
        var review = Encoding.UTF8.GetBytes(ManyContainerReview(100_000));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var open = new Queue<Tests.Support.RawHttpConnection>();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var connection = await target.OpenRawAsync();
                    open.Enqueue(connection);
                    try
                    {
                        await connection.SendHeadAsync(review.Length);
                        await connection.SendAsync(review);
                        target.Record("sent, not read");
                    }
                    catch (IOException)
                    {
                        target.Record("closed");
                    }

                    if (open.Count > 16)
                    {
                        await open.Dequeue().DisposeAsync();
                    }
                }
            }
            finally
            {
                while (open.TryDequeue(out var connection))
                {
                    await connection.DisposeAsync();
                }
            }
        }));
    });

    public static IReadOnlyList<AttackScenario> All { get; } = [HalfSentBodies, StalledHttp2Streams, LargeReviews, UnreadAnswers];

    /// <summary>32 clients post valid reviews of 3.5 MB, just under the 4 MiB cap, back to back.</summary>
    public static readonly AttackScenario ReviewsUnderTheCap = new("32 clients posting 3.5 MB reviews (under the cap)", async (target, stop) =>
        await PostSizesAsync(target, clients: 32, [3_584 * 1024], stop));

    /// <summary>32 clients cycle through reviews of every size class, from 8 KB to the 4 MiB cap.</summary>
    public static readonly AttackScenario EverySizeClass = new("32 clients posting reviews of every size up to the cap", async (target, stop) =>
        await PostSizesAsync(target, clients: 32, [8 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 2048 * 1024, 3_584 * 1024, 4 * 1024 * 1024], stop));

    /// <summary>Allowed reviews that together need more than the heap limit leaves: the memory-pressure cases.</summary>
    public static IReadOnlyList<AttackScenario> MemoryPressure { get; } = [ReviewsUnderTheCap, EverySizeClass];

    /// <summary>The example review of the repository: what an ordinary pod's review looks like.</summary>
    public static string OrdinaryReview() =>
        File.ReadAllText(Path.Combine(ControlPlaneAssets.RepositoryRoot(), "examples", "admission-review.json"));

    private static string PaddedReview(int size)
    {
        var review = OrdinaryReview().Trim();
        return review + new string(' ', size - Encoding.UTF8.GetByteCount(review));
    }

    private static string ManyContainerReview(int containers)
    {
        var review = JsonNode.Parse(OrdinaryReview())!;
        review["request"]!["object"]!["spec"]!["containers"] = new JsonArray([.. Enumerable.Range(0, containers).Select(_ => (JsonNode)new JsonObject())]);
        return review.ToJsonString();
    }

    /// <summary>Each client posts the sizes in turn (starting at its own offset) until <paramref name="stop"/>.</summary>
    private static async Task PostSizesAsync(AttackTarget target, int clients, int[] sizes, CancellationToken stop)
    {
        var reviews = sizes.Select(size => Encoding.UTF8.GetBytes(PaddedReview(size))).ToArray();
        using var http = target.Client(HttpVersion.Version11, connections: clients);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            for (var i = client; !stop.IsCancellationRequested; i++)
            {
                var content = new ByteArrayContent(reviews[i % reviews.Length]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                await SendAsync(target, http, content, stop);
            }
        }));
    }

    private static async Task SendAsync(AttackTarget target, HttpClient http, HttpContent content, CancellationToken stop)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = content };
            using var response = await http.SendAsync(request, stop);
            target.Record(response.StatusCode);
        }
        catch (HttpRequestException)
        {
            target.Record("closed");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            target.Record("timed out");
        }
    }

    private static TimeSpan Remaining(CancellationToken stop) => stop.IsCancellationRequested ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(30);

    private static async Task Hold(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Declares <paramref name="declared"/> bytes, sends <paramref name="sent"/> of them, then waits for the end of the attack.</summary>
    private sealed class StallingContent(long declared, int sent, CancellationToken stop) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (var offset = 0; offset < sent; offset += chunk.Length)
            {
                await stream.WriteAsync(chunk, stop);
            }

            await Task.Delay(Timeout.Infinite, stop);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = declared;
            return true;
        }
    }
}
