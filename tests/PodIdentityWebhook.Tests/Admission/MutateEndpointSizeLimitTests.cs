using System.Net;
using System.Text;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>
/// The body cap (--max-review-bytes, 4 MiB by default) holds whether or not the client
/// declares a length. Past the cap the server answers 413 and stops reading; a client still
/// sending then sees the connection close, so these tests read the answer off a raw
/// connection while sending.
/// </summary>
public class MutateEndpointSizeLimitTests(WebhookServerFixture server) : IClassFixture<WebhookServerFixture>
{
    private const int Limit = (int)PodIdentityWebhook.Options.OptionDefaults.MaxReviewBytes;

    private readonly WebhookClient _client = server.Client;

    [Fact]
    public async Task Body_over_the_cap_with_a_declared_length_is_answered_with_413_before_it_is_read()
    {
        await using var connection = await _client.OpenRawAsync();
        await connection.SendHeadAsync(Limit + 1);
        await connection.SendAsync(new byte[1024]);

        var head = await connection.ReadHeadAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(20 * 1024 * 1024)]
    public async Task Chunked_body_over_the_cap_without_a_length_is_answered_with_413(int size)
    {
        await using var connection = await _client.OpenRawAsync();
        await connection.SendHeadAsync(contentLength: null);
        var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n{new string(' ', 64 * 1024)}\r\n");
        var chunks = (size / (64 * 1024)) + 1;
        var sending = connection.SendUntilRefusedAsync(chunk, (long)chunks * chunk.Length);

        var head = await connection.ReadHeadAsync(TimeSpan.FromSeconds(10));
        await sending;

        Assert.StartsWith("HTTP/1.1 413", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunked_body_of_40_MiB_does_not_bring_the_server_down()
    {
        try
        {
            var reply = await _client.SendAsync(ChunkedPost(40 * 1024 * 1024));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        }
        catch (HttpRequestException)
        {
            // Connection closed mid-upload, after the 413 went out.
        }

        var good = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString());

        Assert.NotEmpty(Reviews.Patch(good.Response));
    }

    [Fact]
    public async Task Review_of_exactly_the_cap_is_still_answered()
    {
        var reply = await _client.MutateAsync(Reviews.Padded(Limit));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.NotEmpty(Reviews.Patch(reply.Response));
    }

    [Fact]
    public async Task Chunked_review_of_exactly_the_cap_is_still_answered()
    {
        var reply = await _client.SendAsync(ChunkedPost(Limit));

        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        Assert.NotEmpty(Reviews.Patch(reply.Response));
    }

    [Fact]
    public async Task Cap_follows_the_max_review_bytes_flag()
    {
        await using var small = await WebhookServer.StartAsync(o => o with { MaxReviewBytes = 64 * 1024 });

        var under = await small.Client.MutateAsync(Reviews.Padded(64 * 1024));
        var over = await small.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, WebhookClient.MutatePath)
        {
            Content = new ByteArrayContent(Reviews.Padded(64 * 1024 + 1)) { Headers = { ContentType = new("application/json") } },
            Headers = { ExpectContinue = true },
        });

        Assert.Equal(HttpStatusCode.OK, under.Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.Status);
        Assert.Contains("larger than 65536 bytes (--max-review-bytes)", over.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_still_answers_after_oversized_bodies()
    {
        await Chunked_body_over_the_cap_without_a_length_is_answered_with_413(Limit + 1);
        await Body_over_the_cap_with_a_declared_length_is_answered_with_413_before_it_is_read();

        var reply = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString());

        Assert.NotEmpty(Reviews.Patch(reply.Response));
    }

    private static HttpRequestMessage ChunkedPost(int size)
    {
        var content = new ChunkedContent(Reviews.Padded(size));
        content.Headers.ContentType = new("application/json");
        return new HttpRequestMessage(HttpMethod.Post, WebhookClient.MutatePath) { Content = content };
    }

    /// <summary>Content whose length is unknown up front, so it goes out with chunked transfer encoding.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
