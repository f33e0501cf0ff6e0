using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// An HTTPS client for the webhook. Every call asserts the answer is not a 5xx: the webhook
/// must never fail with a server error, whatever the bytes.
/// </summary>
internal sealed class WebhookClient : IDisposable
{
    public const string MutatePath = "/mutate";

    private readonly HttpClient _http;
    private readonly Func<X509Certificate?, bool> _trust;

    /// <param name="trust">Whether to accept the server's certificate (self-signed in tests).</param>
    public WebhookClient(Uri baseAddress, Func<X509Certificate?, bool> trust)
    {
        _trust = trust;
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => trust(certificate) },
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>A raw HTTP/1.1 connection to the same server, trusting the same certificate.</summary>
    public Task<RawHttpConnection> OpenRawAsync() => RawHttpConnection.OpenAsync(BaseAddress, _trust);

    /// <summary>POSTs <paramref name="body"/> to /mutate; a null content type sends no Content-Type header.</summary>
    public Task<WebhookReply> MutateAsync(string body, string? contentType = "application/json") =>
        MutateAsync(Encoding.UTF8.GetBytes(body), contentType);

    public Task<WebhookReply> MutateAsync(byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Post, MutatePath) { Content = content });
    }

    public Task<WebhookReply> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>GETs a probe; the one place a 503 is expected (/readyz before the caches sync).</summary>
    public Task<WebhookReply> ProbeAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), allowServerError: true);

    public async Task<WebhookReply> SendAsync(HttpRequestMessage request, bool allowServerError = false)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var reply = new WebhookReply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers.RetryAfter?.ToString());
            if (!allowServerError)
            {
                AssertNotServerError(request, reply);
            }

            return reply;
        }
    }

    public static void AssertNotServerError(HttpRequestMessage request, WebhookReply reply) =>
        Assert.True(
            (int)reply.Status < 500,
            $"{request.Method} {request.RequestUri} answered {(int)reply.Status} {reply.Status}: {reply.Body}");

    public void Dispose() => _http.Dispose();
}
