using System.Net;
using System.Text;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>The body cap (8 MiB) holds whether or not the client declares a length.</summary>
public class MutateEndpointSizeLimitTests(WebhookServerFixture server) : IClassFixture<WebhookServerFixture>
{
    private const int Limit = 8 * 1024 * 1024;

    private readonly WebhookClient _client = server.Client;

    [Fact]
    public async Task Body_over_8_MiB_with_a_declared_length_is_answered_with_413()
    {
        var reply = await _client.MutateAsync(Padded(Limit + 1));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Contains("larger than", reply.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(20 * 1024 * 1024)]
    public async Task Chunked_body_over_8_MiB_without_a_length_is_answered_with_413(int size)
    {
        var reply = await _client.SendAsync(ChunkedPost(size));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
    }

    // Past Kestrel's own 30 MB cap the server stops draining and closes the connection; the
    // client may see the 413 or a broken pipe. Either is fine; the server must stay up.
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
    public async Task Review_of_exactly_8_MiB_is_still_answered()
    {
        var reply = await _client.MutateAsync(Padded(Limit));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.NotEmpty(Reviews.Patch(reply.Response));
    }

    [Fact]
    public async Task Server_still_answers_after_oversized_bodies()
    {
        await _client.MutateAsync(Padded(Limit + 1));
        await _client.SendAsync(ChunkedPost(Limit + 1));

        var reply = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString());

        Assert.NotEmpty(Reviews.Patch(reply.Response));
    }

    private static HttpRequestMessage ChunkedPost(int size)
    {
        var content = new ChunkedContent(Padded(size));
        content.Headers.ContentType = new("application/json");
        return new HttpRequestMessage(HttpMethod.Post, WebhookClient.MutatePath) { Content = content };
    }

    /// <summary>A valid review padded with trailing whitespace to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(int size)
    {
        var review = Encoding.UTF8.GetBytes(Reviews.For(Reviews.SamplePod()).ToJsonString());
        var body = new byte[size];
        Array.Fill(body, (byte)' ');
        review.CopyTo(body, 0);
        return body;
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
