using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using PodIdentityWebhook.Tests.Support;

#pragma warning disable CA5359 // The webhook serves throwaway certificates; the tests read them, not trust them.

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>
/// The running program's TLS and shutdown, each under a client looping reviews on loopback:
/// certificate rotation through a Secret-style symlink swap, a bad pair after rotation, the
/// cipher-suite and minimum-version flags, and SIGTERM mid-load.
/// </summary>
public class TlsAndShutdownTests
{
    private static readonly string SampleReview = Reviews.For(Reviews.SamplePod()).ToJsonString();

    [Fact]
    public async Task Rotated_certificate_reaches_new_connections_within_2_seconds_and_no_request_fails()
    {
        var first = ServingPair.Create("first");
        using var mount = SecretMount.Create(first);
        var (webhook, port) = await StartReadyAsync("--tls-cert", mount.CertPath, "--tls-key", mount.KeyPath);
        using var process = webhook;
        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(port));

        await using var load = LoopingLoad.Start(port);
        var second = ServingPair.Create("second");
        mount.Publish(second.CertPem, second.KeyPem);
        var clock = Stopwatch.StartNew();
        while (await ServedThumbprintAsync(port) != second.Thumbprint)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the new certificate was not served within 2 s\n{webhook}");
            await Task.Delay(20);
        }

        await Task.Delay(500);
        var (succeeded, failed) = await load.StopAsync();
        Assert.Empty(failed);
        Assert.True(succeeded > 0, "the loop sent nothing");
    }

    [Fact]
    public async Task Mismatched_pair_after_rotation_keeps_the_current_certificate_serving_and_is_logged()
    {
        var first = ServingPair.Create("first");
        using var mount = SecretMount.Create(first);
        var (webhook, port) = await StartReadyAsync("--tls-cert", mount.CertPath, "--tls-key", mount.KeyPath);
        using var process = webhook;

        await using var load = LoopingLoad.Start(port);
        mount.Publish(ServingPair.Create("other").CertPem, ServingPair.Create("unrelated").KeyPem);
        await Poll.UntilAsync(() => Task.FromResult(webhook.Stdout.Contains("do not load", StringComparison.Ordinal)), "the bad pair to be logged");

        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(port));
        var (succeeded, failed) = await load.StopAsync();
        Assert.Empty(failed);
        Assert.True(succeeded > 0, "the loop sent nothing");
    }

    [Fact]
    public async Task Unknown_cipher_suite_stops_startup_naming_it()
    {
        using var webhook = await ProductProcess.RunAsync(
            "--self-signed-cert", "--service-accounts-file", "examples/service-accounts.yaml",
            "--port", FreePort.Pick().ToString(CultureInfo.InvariantCulture),
            "--tls-cipher-suites", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_MADE_UP_SUITE");

        Assert.Equal(1, webhook.ExitCode);
        Assert.Contains("--tls-cipher-suites", webhook.Stderr, StringComparison.Ordinal);
        Assert.Contains("TLS_MADE_UP_SUITE", webhook.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_listed_cipher_suites_are_negotiated_over_TLS_1_2_and_TLS_1_3_still_works()
    {
        var (webhook, port) = await StartReadyAsync("--self-signed-cert", "--tls-cipher-suites", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        using var process = webhook;

        Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            await HandshakeAsync(port, SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
        await Assert.ThrowsAnyAsync<Exception>(() =>
            HandshakeAsync(port, SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384));
        Assert.Equal(TlsCipherSuite.TLS_AES_256_GCM_SHA384,
            await HandshakeAsync(port, SslProtocols.Tls13, TlsCipherSuite.TLS_AES_256_GCM_SHA384));
    }

    [Fact]
    public async Task Minimum_version_1_3_refuses_a_TLS_1_2_client()
    {
        var (webhook, port) = await StartReadyAsync("--self-signed-cert", "--tls-min-version", "VersionTLS13");
        using var process = webhook;

        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, SslProtocols.Tls12, null));
        await HandshakeAsync(port, SslProtocols.Tls13, null);
    }

    [Fact]
    public async Task Sigterm_mid_load_turns_readiness_off_completes_reviews_and_exits_within_10_seconds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var webhook = Start(out var port, "--self-signed-cert");
        using var client = new WebhookClient(new Uri($"https://127.0.0.1:{port}"), _ => true);
        await ProcessLocalRunTests.WaitUntilReadyAsync(webhook, client);
        await using var load = LoopingLoad.Start(port);
        await Task.Delay(500);

        var terminated = Stopwatch.StartNew();
        load.MarkSignal();
        Signals.Terminate(webhook.Id);

        // The signal arrives asynchronously; within the 2 s drain the webhook still serves and
        // says it is not ready.
        var notReady = false;
        while (!notReady && terminated.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            notReady = (await client.ProbeAsync("/readyz")).Status == HttpStatusCode.ServiceUnavailable;
        }

        Assert.True(notReady, "/readyz did not turn 503 within 1.5 s of SIGTERM");

        await webhook.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(terminated.Elapsed < TimeSpan.FromSeconds(10), $"exited after {terminated.Elapsed}");
        Assert.True(webhook.ExitCode == 0, webhook.ToString());

        var (succeeded, failed) = await load.StopAsync();
        Assert.True(succeeded > 0, "the loop sent nothing");
        Assert.DoesNotContain(failed, f => f.StartedAfterSignal < TimeSpan.FromSeconds(1.5));
    }

    /// <summary>Starts the program with the flags and waits for /readyz.</summary>
    private static async Task<(ProductProcess Webhook, int Port)> StartReadyAsync(params string[] flags)
    {
        var webhook = Start(out var port, flags);
        using var client = new WebhookClient(new Uri($"https://127.0.0.1:{port}"), _ => true);
        await ProcessLocalRunTests.WaitUntilReadyAsync(webhook, client);
        return (webhook, port);
    }

    private static ProductProcess Start(out int port, params string[] flags)
    {
        port = FreePort.Pick();
        return ProductProcess.Start(
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--metrics-port", FreePort.Pick().ToString(CultureInfo.InvariantCulture),
            "--bind-address", "127.0.0.1",
            "--service-accounts-file", "examples/service-accounts.yaml",
            .. flags,
        ]);
    }

    /// <summary>The thumbprint a brand-new connection is served.</summary>
    private static async Task<string> ServedThumbprintAsync(int port)
    {
        string? thumbprint = null;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            thumbprint = certificate is null ? null : new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate).Thumbprint;
            return true;
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" });
        return thumbprint ?? "";
    }

    /// <summary>A handshake limited to one protocol and, when given, one suite; returns the negotiated suite.</summary>
    private static async Task<TlsCipherSuite> HandshakeAsync(int port, SslProtocols protocol, TlsCipherSuite? suite)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        var options = new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", EnabledSslProtocols = protocol };
        if (suite is { } only && !OperatingSystem.IsWindows())
        {
            options.CipherSuitesPolicy = new CipherSuitesPolicy([only]);
        }

        await ssl.AuthenticateAsClientAsync(options);
        return ssl.NegotiatedCipherSuite;
    }

    /// <summary>Four clients posting the sample review back to back over keep-alive connections.</summary>
    private sealed class LoopingLoad : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<Failure> _failed = new();
        private readonly Stopwatch _sinceSignal = new();
        private readonly Task[] _loops;
        private long _succeeded;

        private LoopingLoad(int port)
        {
            _loops = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(() => LoopAsync(port)))];
        }

        public static LoopingLoad Start(int port) => new(port);

        public void MarkSignal() => _sinceSignal.Start();

        public async Task<(long Succeeded, IReadOnlyList<Failure> Failed)> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            return (Interlocked.Read(ref _succeeded), [.. _failed]);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            _stop.Dispose();
        }

        private async Task LoopAsync(int port)
        {
            using var http = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            });
            while (!_stop.IsCancellationRequested)
            {
                var startedAfterSignal = _sinceSignal.IsRunning ? _sinceSignal.Elapsed : TimeSpan.MinValue;
                try
                {
                    using var content = new StringContent(SampleReview, System.Text.Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync(new Uri($"https://127.0.0.1:{port}/mutate"), content, _stop.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref _succeeded);
                    }
                    else
                    {
                        _failed.Enqueue(new Failure(startedAfterSignal, $"{(int)response.StatusCode}"));
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                // A connection the closing listener accepted and reset can escape the handler
                // unwrapped: its connect reads the peer's address and gets the socket's own
                // "not connected" error. Counted like any other failure, by when it started.
                catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException)
                {
                    _failed.Enqueue(new Failure(startedAfterSignal, ex.Message));
                    if (_sinceSignal.IsRunning)
                    {
                        // After SIGTERM the listener goes away; no point hammering a closed port.
                        await Task.Delay(50);
                    }
                }
            }
        }
    }

    /// <summary>A failed request, and when it started relative to SIGTERM (MinValue: before it).</summary>
    internal sealed record Failure(TimeSpan StartedAfterSignal, string Error);
}
