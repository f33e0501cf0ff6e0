using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>
/// The nastiest inputs of scripts/fuzz.sh, kept as files (TestData/Fuzz, written by
/// <c>PodIdentityWebhook.Load fuzz --write-corpus</c>): each is answered without a 5xx, and
/// the server answers a valid review right after.
/// </summary>
public class FuzzCorpusTests(WebhookServerFixture server) : IClassFixture<WebhookServerFixture>
{
    private readonly WebhookClient _client = server.Client;

    public static TheoryData<string> Inputs() =>
        [.. Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "Fuzz")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Hostile_input_is_answered_without_a_server_error_and_the_server_keeps_serving(string file)
    {
        var reply = await _client.MutateAsync(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "Fuzz", file)));
        Assert.True((int)reply.Status is 200 or 400 or 413, $"{file}: {reply.Status} {reply.Body}");

        var valid = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, valid.Status);
    }

    [Fact]
    public async Task Review_with_a_three_megabyte_service_account_name_is_answered()
    {
        var pod = Reviews.Pod(new string('a', 3 * 1024 * 1024));
        var reply = await _client.MutateAsync(Reviews.For(pod).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(reply.Response["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Large_reviews_sent_together_are_all_answered_with_the_same_patch()
    {
        var body = ManyContainers(2_000);
        Assert.True(body.Length > PodIdentityWebhook.Admission.AdmissionConstants.ScannedReviewBytes);

        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _client.MutateAsync(body)));

        var first = Reviews.Patch(replies[0].Response);
        Assert.True(first.Count > 2_000, $"{first.Count} operations for 2,000 containers");
        Assert.All(replies, reply => Assert.True(JsonNode.DeepEquals(first, Reviews.Patch(reply.Response))));
    }

    [Fact]
    public async Task Pod_whose_patch_would_pass_the_limit_is_refused_with_a_message_naming_it()
    {
        var reply = await _client.MutateAsync(ManyContainers(8_000));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(reply.Response["allowed"]!.GetValue<bool>());
        Assert.Null(reply.Response["patch"]);
        var message = reply.Response["status"]!["message"]!.GetValue<string>();
        Assert.Contains($"exceed {PodIdentityWebhook.Admission.AdmissionConstants.MaxPatchBytes} bytes (8000 containers)", message, StringComparison.Ordinal);
    }

    private static string ManyContainers(int count)
    {
        var containers = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["name"] = $"container-{i}", ["image"] = "busybox" })]);
        var pod = Reviews.SamplePod();
        pod["spec"]!["containers"] = containers;
        return Reviews.For(pod).ToJsonString();
    }

    [Theory]
    [InlineData(10, 10, "0123456789")]
    [InlineData(11, 10, "0123456789... (11 characters)")]
    [InlineData(0, 10, "")]
    public void Logged_values_are_cut_to_a_bound_and_say_how_long_they_were(int length, int max, string expected)
    {
        var value = string.Concat(Enumerable.Range(0, length).Select(i => (char)('0' + (i % 10))));

        Assert.Equal(expected, AdmissionLog.Bounded(value, max));
    }
}
