using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>
/// Bytes that are not (good) HTTP sent to the plain-HTTP metrics port: each is answered with
/// a 4xx or the connection is closed, and <c>/metrics</c> keeps working after all of them.
/// </summary>
public sealed class MetricsPortAbuseTests
{
    public static TheoryData<string, byte[]> Requests => new()
    {
        { "garbage bytes", [0x00, 0xFF, 0xFE, 0x13, 0x37, 0x0D, 0x0A, 0x0D, 0x0A] },
        { "TLS ClientHello", [0x16, 0x03, 0x01, 0x00, 0x2F, 0x01, 0x00, 0x00, 0x2B, 0x03, 0x03, 0x00, 0x00, 0x00] },
        { "bad verb", Ascii("G\u0001T /metrics HTTP/1.1\r\nHost: x\r\n\r\n") },
        { "unknown verb", Ascii("BREW /metrics HTTP/1.1\r\nHost: x\r\n\r\n") },
        { "no HTTP version", Ascii("GET /metrics\r\n\r\n") },
        { "HTTP/1.1 without Host", Ascii("GET /metrics HTTP/1.1\r\n\r\n") },
        { "huge header", Ascii("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 200_000) + "\r\n\r\n") },
        { "many headers", Ascii("GET /metrics HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 500).Select(i => $"X-{i}: v\r\n")) + "\r\n") },
        { "huge URL", Ascii("GET /" + new string('m', 100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n") },
        { "truncated request line", Ascii("GET /metr") },
        { "truncated headers", Ascii("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Half: ") },
        { "truncated body", Ascii("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc") },
        { "bad Content-Length", Ascii("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n") },
        { "bad chunked body", Ascii("POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") },
        { "header without colon", Ascii("GET /metrics HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n") },
        { "bare LF and NUL in header", Ascii("GET /metrics HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n") },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Malformed_request_is_answered_with_4xx_or_closed_and_metrics_still_work(string what, byte[] request)
    {
        await using var server = await WebhookServer.StartAsync(options => options with { EnableDebuggingHandlers = true });

        var answer = await SendRawAsync(server.MetricsAddress, request);

        Assert.True(answer.Length == 0 || Regex.IsMatch(answer, @"^HTTP/1\.[01] 4\d\d "), $"{what} was answered: {answer}");
        var metrics = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.True(metrics.Value("process_open_fds") > 0);
    }

    [Fact]
    public async Task Every_malformed_request_in_a_row_leaves_metrics_serving()
    {
        await using var server = await WebhookServer.StartAsync(options => options with { EnableDebuggingHandlers = true });

        foreach (var request in Requests)
        {
            await SendRawAsync(server.MetricsAddress, (byte[])request[1]);
        }

        await MetricsEndpointTests.ScrapeAsync(server);
    }

    /// <summary>
    /// Sends the bytes and reads until the status line of an answer arrives or the server
    /// closes. A server still waiting for the rest of a truncated request after a second is
    /// told the client is done (half-close), as a peer that gives up would; then it must
    /// answer or close within 10 s.
    /// </summary>
    private static async Task<string> SendRawAsync(Uri address, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server may close while the request is still being written (a huge header).
        }

        var answer = new StringBuilder();
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            if (await ReadStatusLineAsync(stream, answer, patience.Token))
            {
                return answer.ToString();
            }
        }

        client.Client.Shutdown(SocketShutdown.Send);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.True(
            await ReadStatusLineAsync(stream, answer, deadline.Token),
            $"the server neither answered nor closed the connection within 10 s: {answer}");
        return answer.ToString();
    }

    /// <summary>True once a whole first line arrived or the server closed (or reset) the connection; false when the token fired first.</summary>
    private static async Task<bool> ReadStatusLineAsync(NetworkStream stream, StringBuilder answer, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (answer.ToString().Contains("\r\n", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
