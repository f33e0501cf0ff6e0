using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Tests.Metrics;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>
/// Peers that misbehave at the HTTP level (stalling mid-body, resetting, malformed chunked
/// framing, more large reviews than memory allows) are cut off or answered 4xx/503, never
/// with a 500, and never hold memory for long; ordinary reviews keep being answered.
/// </summary>
public class MutateEndpointHostilePeerTests
{
    private static readonly string SampleReview = Reviews.For(Reviews.SamplePod()).ToJsonString();

    [Fact]
    public async Task Peer_that_stalls_mid_body_is_dropped_within_the_stall_timeout_and_not_counted_as_an_error()
    {
        await using var server = await WebhookServer.StartAsync();
        await using var connection = await server.Client.OpenRawAsync();
        await connection.SendHeadAsync(100_000);
        await connection.SendAsync(new byte[50_000]);
        var stalled = Stopwatch.StartNew();

        var closed = await connection.ClosedWithinAsync(AdmissionConstants.ReviewBodyStallTimeout + TimeSpan.FromSeconds(3));

        Assert.True(closed, "the stalled connection is still open");
        Assert.True(stalled.Elapsed >= AdmissionConstants.ReviewBodyStallTimeout - TimeSpan.FromMilliseconds(500), $"dropped after {stalled.Elapsed}");
        // The client can see the close an instant before the aborted request gives its lease back.
        var budget = server.Services.GetRequiredService<ReviewMemoryBudget>();
        await Poll.UntilAsync(() => Task.FromResult(budget.UsedBytes == 0), "the stalled review's memory given back");
        await AssertNoServerErrorsCountedAsync(server);
    }

    [Fact]
    public async Task Peer_that_trickles_a_byte_at_a_time_is_dropped_at_the_body_deadline()
    {
        await using var server = await WebhookServer.StartAsync();
        await using var connection = await server.Client.OpenRawAsync();
        await connection.SendHeadAsync(100_000);
        var trickle = Stopwatch.StartNew();
        var dropped = false;
        while (trickle.Elapsed < AdmissionConstants.ReviewBodyDeadline + TimeSpan.FromSeconds(5) && !dropped)
        {
            try
            {
                await connection.SendAsync(new byte[1]);
                await Task.Delay(500);
            }
            catch (IOException)
            {
                dropped = true;
            }
        }

        Assert.True(dropped || await connection.ClosedWithinAsync(TimeSpan.FromSeconds(1)), "a peer sending one byte every 500 ms was never dropped");
        Assert.True(trickle.Elapsed < AdmissionConstants.ReviewBodyDeadline + TimeSpan.FromSeconds(3), $"dropped after {trickle.Elapsed}");
    }

    [Theory]
    [InlineData("80000000\r\n")]
    [InlineData("ffffffffffffffffffff\r\n")]
    [InlineData("zz\r\n")]
    [InlineData("5\r\nshortX\r\n0\r\n\r\n")]
    public async Task Malformed_chunked_framing_is_answered_400_not_500(string framing)
    {
        await using var server = await WebhookServer.StartAsync();
        await using var connection = await server.Client.OpenRawAsync();
        await connection.SendHeadAsync(contentLength: null);
        await connection.SendAsync("5\r\n{\"a\":\r\n" + framing);

        var head = await connection.ReadHeadAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(head);
        Assert.StartsWith("HTTP/1.1 400", head, StringComparison.Ordinal);
        await AssertNoServerErrorsCountedAsync(server);
    }

    [Fact]
    public async Task Client_that_resets_mid_body_leaves_nothing_held_and_no_error_counted()
    {
        await using var server = await WebhookServer.StartAsync();
        var connection = await server.Client.OpenRawAsync();
        await connection.SendHeadAsync(200_000);
        await connection.SendAsync(new byte[100_000]);
        connection.Reset();
        await connection.DisposeAsync();

        var budget = server.Services.GetRequiredService<ReviewMemoryBudget>();
        await Poll.UntilAsync(() => Task.FromResult(budget.UsedBytes == 0), "the reset review's memory given back");
        var reply = await server.Client.MutateAsync(SampleReview);

        Assert.NotEmpty(Reviews.Patch(reply.Response));
        await AssertNoServerErrorsCountedAsync(server);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Client_whose_tls_breaks_mid_body_is_dropped_with_no_error_logged(bool whole)
    {
        await using var server = await WebhookServer.StartAsync();
        var errors = ErrorLog.On(server.Services);
        await using var connection = await server.Client.OpenRawAsync();
        await connection.SendHeadAsync(200_000);
        await connection.SendAsync(new byte[50_000]);
        await connection.BreakTlsAsync(whole);

        Assert.True(await connection.ClosedWithinAsync(TimeSpan.FromSeconds(10)), "the broken connection is still open");
        var budget = server.Services.GetRequiredService<ReviewMemoryBudget>();
        await Poll.UntilAsync(() => Task.FromResult(budget.UsedBytes == 0), "the broken review's memory given back");
        var reply = await server.Client.MutateAsync(SampleReview);

        Assert.NotEmpty(Reviews.Patch(reply.Response));
        Assert.True(errors.Errors.Count == 0, string.Join("\n", errors.Errors));
        await AssertNoServerErrorsCountedAsync(server);
    }

    [Fact]
    public async Task Large_reviews_past_the_budget_get_503_with_retry_after_while_ordinary_reviews_are_answered()
    {
        const int MaxReview = 1024 * 1024;
        await using var server = await WebhookServer.StartAsync(o => o with { MaxReviewBytes = MaxReview, ReviewMemoryBudget = 4 * MaxReview });
        var budget = server.Services.GetRequiredService<ReviewMemoryBudget>();

        // A peer sends all but the last byte of a 1 MiB review: it holds the quarter of the
        // budget large reviews may use together.
        var holders = new List<RawHttpConnection>();
        for (var i = 0; i < 1; i++)
        {
            var holder = await server.Client.OpenRawAsync();
            await holder.SendHeadAsync(MaxReview);
            await holder.SendAsync(new byte[MaxReview - 1]);
            holders.Add(holder);
        }

        await Poll.UntilAsync(() => Task.FromResult(budget.UsedBytes >= MaxReview), "a stalled large review holding the large share");
        try
        {
            var large = await server.Client.SendAsync(Post(Reviews.Padded(512 * 1024)), allowServerError: true);
            var ordinary = await server.Client.MutateAsync(SampleReview);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, large.Status);
            Assert.Equal("1", large.RetryAfter);
            Assert.Contains("memory budget", large.Body, StringComparison.Ordinal);
            Assert.NotEmpty(Reviews.Patch(ordinary.Response));

            // Once the stalled holders are dropped, the same large review goes through.
            await Poll.UntilAsync(() => Task.FromResult(budget.UsedBytes == 0), "the stalled reviews dropped");
            var retried = await server.Client.MutateAsync(Reviews.Padded(512 * 1024));
            Assert.Equal(HttpStatusCode.OK, retried.Status);
            Assert.NotEmpty(Reviews.Patch(retried.Response));
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Review_that_could_never_fit_the_budget_is_answered_413_at_once()
    {
        // 300 KB of `[0,0,...]` is 150,000 tokens: parsing it needs ~3.6 MB, more than the
        // quarter of a 4 MiB budget large reviews may use.
        await using var server = await WebhookServer.StartAsync(o => o with { MaxReviewBytes = 1024 * 1024, ReviewMemoryBudget = 4 * 1024 * 1024 });
        var dense = Encoding.ASCII.GetBytes("{\"a\":[" + string.Join(',', Enumerable.Repeat('0', 150_000)) + "]}");

        var reply = await server.Client.MutateAsync(dense);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Contains("--review-memory-budget", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_with_more_JSON_tokens_than_any_pod_needs_is_answered_413_before_it_is_parsed()
    {
        await using var server = await WebhookServer.StartAsync();
        var dense = Encoding.ASCII.GetBytes("{\"a\":[" + string.Join(',', Enumerable.Repeat('0', (int)AdmissionConstants.MaxReviewTokens)) + "]}");

        var reply = await server.Client.MutateAsync(dense);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Contains($"more than the {AdmissionConstants.MaxReviewTokens}", reply.Body, StringComparison.Ordinal);
    }

    private static async Task AssertNoServerErrorsCountedAsync(WebhookServer server)
    {
        var metrics = await MetricsEndpointTests.ScrapeAsync(server);
        var errors = metrics.Families.TryGetValue("http_request_count", out var requests)
            ? requests.Samples.Where(s => s.Labels.TryGetValue("code", out var code) && code.StartsWith('5')).Sum(s => s.Value)
            : 0;
        Assert.Equal(0, errors);
    }

    private static HttpRequestMessage Post(byte[] body) =>
        new(HttpMethod.Post, WebhookClient.MutatePath)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
}
