using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// One HTTP/1.1 connection over TLS driven byte by byte: for what no well-behaved client
/// does (stopping mid-body, resetting, malformed framing, sending while the answer comes).
/// </summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;

    private RawHttpConnection(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri address, Func<X509Certificate?, bool> trust)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => trust(certificate));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return new RawHttpConnection(tcp, tls);
    }

    /// <summary>Request line and headers of a POST to /mutate; <paramref name="contentLength"/> null sends chunked.</summary>
    public Task SendHeadAsync(long? contentLength) =>
        SendAsync(Encoding.ASCII.GetBytes(
            "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + (contentLength is { } length ? $"Content-Length: {length}\r\n" : "Transfer-Encoding: chunked\r\n")
            + "\r\n"));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _tls.WriteAsync(bytes);
        await _tls.FlushAsync();
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Sends until the server stops taking bytes; returns how many it took.</summary>
    public async Task<long> SendUntilRefusedAsync(ReadOnlyMemory<byte> chunk, long max)
    {
        long sent = 0;
        try
        {
            while (sent < max)
            {
                await SendAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
        }

        return sent;
    }

    /// <summary>The status line and headers of the answer, or null when the server closed first.</summary>
    public async Task<string?> ReadHeadAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var head = new StringBuilder();
        var buffer = new byte[1];
        try
        {
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await _tls.ReadAsync(buffer, cancel.Token) == 0)
                {
                    return null;
                }

                head.Append((char)buffer[0]);
            }
        }
        catch (IOException)
        {
            return null;
        }

        return head.ToString();
    }

    /// <summary>Whether the server closes the connection within <paramref name="timeout"/> (reading discards whatever it sends).</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (await _tls.ReadAsync(buffer, cancel.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Breaks the TLS layer under the HTTP one: writes, straight onto the socket, an
    /// application-data record whose bytes no key encrypted (<paramref name="whole"/>), or only
    /// the first bytes of one followed by a FIN, as a client killed mid-write leaves it.
    /// </summary>
    public async Task BreakTlsAsync(bool whole)
    {
        const int Length = 1024;
        var record = new byte[5 + Length];
        record[0] = 23;
        record[1] = 3;
        record[2] = 3;
        record[3] = Length >> 8;
        record[4] = Length & 0xff;
        Random.Shared.NextBytes(record.AsSpan(5));
        var socket = _tcp.GetStream();
        await socket.WriteAsync(whole ? record : record.AsMemory(0, 100));
        await socket.FlushAsync();
        if (!whole)
        {
            _tcp.Client.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>Closes with a TCP reset instead of a FIN, as a crashed or killed client does.</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public ValueTask DisposeAsync()
    {
        _tls.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
