using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Telemetry;
using PodIdentityWebhook.Tests.Metrics;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>
/// However little review memory is left when a review arrives, the answer is 200 or a shed
/// 503 with Retry-After, never a 500: each allocation of the request path (body, parse, the
/// answer's buffer, the patch) meets the budget's edge somewhere between "plenty" and "none".
/// </summary>
public class ReviewMemoryPressureTests
{
    private const int Step = 128;

    [Fact]
    public async Task Memory_running_out_at_any_allocation_of_a_review_is_a_shed_503()
    {
        await using var server = await WebhookServer.StartAsync();
        var budget = server.Services.GetRequiredService<ReviewMemoryBudget>();
        var review = Reviews.For(Reviews.Pod("s3-reader")).ToJsonString();
        Task<WebhookReply> SendAsync() => server.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, WebhookClient.MutatePath)
            {
                Content = new StringContent(review, System.Text.Encoding.UTF8, "application/json"),
            },
            allowServerError: true);

        // The allocations an ordinary review makes: body, parse, answer, patch.
        var allocations = 0;
        budget.Growth = () => Interlocked.Increment(ref allocations) > 0;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync()).Status);
        Assert.True(allocations >= 3, $"only {allocations} allocations counted");
        var before = await MetricsEndpointTests.ScrapeAsync(server);

        // Memory runs out at allocation n, and stays out.
        for (var n = 1; n <= allocations; n++)
        {
            var seen = 0;
            budget.Growth = () => Interlocked.Increment(ref seen) < n;
            var reply = await SendAsync();
            Assert.True(reply.Status == HttpStatusCode.ServiceUnavailable, $"out of memory from allocation {n} of {allocations}: {(int)reply.Status} {reply.Body}");
            Assert.NotNull(reply.RetryAfter);
        }

        budget.Growth = null;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync()).Status);
        var after = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.Equal(allocations, after.Value(WebhookMetrics.RequestCount, ("verb", "POST"), ("path", "/mutate"), ("code", "503"))
            - (before.Find(WebhookMetrics.RequestCount, ("verb", "POST"), ("path", "/mutate"), ("code", "503")) ?? 0));
    }

    [Fact]
    public async Task Whatever_memory_is_left_a_review_is_answered_200_or_503_never_500()
    {
        await using var server = await WebhookServer.StartAsync();
        var budget = server.Services.GetRequiredService<ReviewMemoryBudget>();
        using var hog = budget.Open();
        var review = Reviews.For(Reviews.Pod("s3-reader")).ToJsonString();

        async Task<HttpStatusCode> AnswerWithFreeAsync(long free)
        {
            await Poll.UntilAsync(() => Task.FromResult(budget.UsedBytes == hog.Bytes), "the previous review's memory given back");
            hog.Remove(hog.Bytes);
            Assert.True(hog.TryAdd(budget.TotalBytes - free));
            using var request = new HttpRequestMessage(HttpMethod.Post, WebhookClient.MutatePath)
            {
                Content = new StringContent(review, System.Text.Encoding.UTF8, "application/json"),
            };
            var reply = await server.Client.SendAsync(request, allowServerError: true);
            Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{free} bytes free: {(int)reply.Status} {reply.Body}");
            if (reply.Status == HttpStatusCode.ServiceUnavailable)
            {
                Assert.NotNull(reply.RetryAfter);
            }

            return reply.Status;
        }

        // The least free memory that still gives a 200, to the step.
        long none = 0, enough = 4 * 1024 * 1024;
        Assert.Equal(HttpStatusCode.OK, await AnswerWithFreeAsync(enough));
        while (enough - none > Step)
        {
            var middle = (none + enough) / 2;
            if (await AnswerWithFreeAsync(middle) == HttpStatusCode.OK)
            {
                enough = middle;
            }
            else
            {
                none = middle;
            }
        }

        // Just below it each later allocation in turn is the one that fails.
        for (var free = enough - Step; free > Math.Max(0, enough - 4608); free -= Step)
        {
            await AnswerWithFreeAsync(free);
        }
    }
}
