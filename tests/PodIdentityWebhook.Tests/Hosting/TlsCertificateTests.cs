using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Metrics;
using PodIdentityWebhook.Tests.Support;

#pragma warning disable CA5359 // The webhook serves throwaway certificates; the tests read them, not trust them.

using PodIdentityWebhook.Telemetry;

using PodIdentityWebhook.Files;

using PodIdentityWebhook.Certificates;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>
/// The serving certificate: the chain in --tls-cert served whole, HTTP/2 and HTTP/1.1 over
/// TLS, certificates refused at start and on reload, cipher suites refused, the expiry metric.
/// </summary>
public sealed class TlsCertificateTests
{
    private const int ReloadRefusedEvent = 502;

    [Fact]
    public async Task Intermediate_in_tls_cert_is_served_so_a_client_trusting_only_the_root_validates_the_chain()
    {
        var chain = TestPki.Issued("chained");
        using var root = chain.Root;
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory, chain.Pair);

        var (errors, served) = await HandshakeTrustingOnlyAsync(server.Client.BaseAddress, root);

        Assert.Equal(SslPolicyErrors.None, errors);
        Assert.Equal([chain.Pair.Thumbprint, chain.IntermediateThumbprint, root.Thumbprint], served);
    }

    [Fact]
    public async Task Leaf_alone_in_tls_cert_does_not_validate_against_the_root()
    {
        var chain = TestPki.Issued("leaf-only");
        using var root = chain.Root;
        using var directory = new TempDirectory();
        await using var server = await StartAsync(directory, chain.Pair with { CertPem = chain.LeafOnlyPem });

        var (errors, _) = await HandshakeTrustingOnlyAsync(server.Client.BaseAddress, root);

        Assert.Equal(SslPolicyErrors.RemoteCertificateChainErrors, errors);
    }

    [Fact]
    public async Task Webhook_port_answers_HTTP_2_and_HTTP_1_1_over_TLS()
    {
        await using var server = await WebhookServer.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        });

        foreach (var version in new[] { HttpVersion.Version20, HttpVersion.Version11 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Client.BaseAddress, "/healthz"))
            {
                Version = version,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Version);
        }
    }

    [Fact]
    public async Task Expired_certificate_stops_startup_with_one_line_naming_the_flag_the_file_and_the_reason()
    {
        var now = DateTimeOffset.UtcNow;
        using var directory = new TempDirectory();
        var (cert, key) = Write(directory, TestPki.SelfSigned("expired", now.AddDays(-10), now.AddDays(-1)));

        using var webhook = await ProductProcess.RunAsync(
            "--tls-cert", cert, "--tls-key", key, "--service-accounts-file", "examples/service-accounts.yaml",
            "--bind-address", "127.0.0.1",
            "--port", FreePort.Pick().ToString(CultureInfo.InvariantCulture),
            "--metrics-port", FreePort.Pick().ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, webhook.ExitCode);
        var line = Assert.Single(webhook.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--tls-cert", line, StringComparison.Ordinal);
        Assert.Contains(cert, line, StringComparison.Ordinal);
        Assert.Contains("CN=expired expired at", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_yet_valid_certificate_stops_startup_naming_the_file_and_the_reason()
    {
        var now = DateTimeOffset.UtcNow;
        using var directory = new TempDirectory();
        var (cert, key) = Write(directory, TestPki.SelfSigned("future", now.AddDays(1), now.AddDays(30)));

        var refused = Assert.Throws<ConfigurationException>(() => ServingCertificate.FromOptions(new WebhookOptions { TlsCert = cert, TlsKey = key }));

        Assert.StartsWith($"--tls-cert: {cert} ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("CN=future is not yet valid", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RSA_1024_certificate_stops_startup_as_weak()
    {
        using var rsa = RSA.Create(1024);
        using var directory = new TempDirectory();
        var (cert, key) = Write(directory, TestPki.SelfSigned("small", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), rsa));

        var refused = Assert.Throws<ConfigurationException>(() => ServingCertificate.FromOptions(new WebhookOptions { TlsCert = cert, TlsKey = key }));

        Assert.StartsWith($"--tls-cert: {cert} ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("weak 1024-bit RSA key", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RSA_2048_and_ECDSA_P256_certificates_and_the_self_signed_one_are_served()
    {
        using var rsa = RSA.Create(2048);
        using var directory = new TempDirectory();
        var (cert, key) = Write(directory, TestPki.SelfSigned("rsa", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), rsa));
        var (ecCert, ecKey) = Write(directory, TestPki.SelfSigned("ec", TimeSpan.FromDays(1)), "ec-");

        Assert.Equal("CN=rsa", ServingCertificate.FromOptions(new WebhookOptions { TlsCert = cert, TlsKey = key }).Current.Subject);
        Assert.Equal("CN=ec", ServingCertificate.FromOptions(new WebhookOptions { TlsCert = ecCert, TlsKey = ecKey }).Current.Subject);
        Assert.Equal("CN=localhost", ServingCertificate.FromOptions(new WebhookOptions { SelfSignedCert = true }).Current.Subject);
    }

    [Fact]
    public async Task Expired_certificate_on_reload_keeps_the_current_one_serving_and_is_logged_then_a_good_one_is_taken()
    {
        var now = DateTimeOffset.UtcNow;
        using var directory = new TempDirectory();
        var first = TestPki.SelfSigned("first", TimeSpan.FromHours(1));
        var (cert, key) = Write(directory, first);
        var options = new WebhookOptions { TlsCert = cert, TlsKey = key };
        var serving = ServingCertificate.FromOptions(options);
        var logger = new ListLogger<CertificateReloader>();
        using var reloader = new CertificateReloader(options, serving, logger);
        await reloader.StartAsync(CancellationToken.None);

        Write(directory, TestPki.SelfSigned("expired", now.AddDays(-10), now.AddDays(-1)));
        await Poll.UntilAsync(() => Task.FromResult(logger.Entries.Any(e => e.EventId.Id == ReloadRefusedEvent)), "the expired certificate to be refused");

        var entry = logger.Entries.First(e => e.EventId.Id == ReloadRefusedEvent);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("CN=expired expired at", entry.Message, StringComparison.Ordinal);
        Assert.Contains(first.Thumbprint, entry.Message, StringComparison.Ordinal);
        Assert.Equal(first.Thumbprint, serving.Current.Thumbprint);

        var second = TestPki.SelfSigned("second", TimeSpan.FromHours(1));
        Write(directory, second);
        await Poll.UntilAsync(() => Task.FromResult(serving.Current.Thumbprint == second.Thumbprint), "the next good certificate to be served");
    }

    [Theory]
    [InlineData("TLS_NULL_WITH_NULL_NULL", "does not encrypt")]
    [InlineData("TLS_RSA_WITH_RC4_128_SHA", "RC4 is broken")]
    [InlineData("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "3DES")]
    [InlineData("TLS_DH_anon_WITH_AES_128_GCM_SHA256", "anonymous")]
    [InlineData("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "export-grade")]
    [InlineData("TLS_PSK_WITH_AES_128_GCM_SHA256", "pre-shared key")]
    [InlineData("TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DSA certificate")]
    [InlineData("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "Go's crypto/tls")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Cipher-suite policies are OpenSSL's; Windows takes the system's.
    public void Cipher_suite_that_cannot_be_negotiated_here_stops_startup_naming_it_and_why(string suite, string reason)
    {
        var refused = Assert.Throws<ConfigurationException>(() => TlsCipherSuites.From(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", suite]));

        Assert.StartsWith($"--tls-cipher-suites: {suite} is refused: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_suite_Go_implements_but_RC4_and_3DES_is_accepted_under_IANA_and_Go_names()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string[] suites =
        [
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256",
        ];

        Assert.NotNull(TlsCipherSuites.From(suites));
    }

    [Fact]
    public async Task Expiry_metric_is_the_served_certificate_NotAfter_and_follows_a_reload()
    {
        using var directory = new TempDirectory();
        var first = TestPki.SelfSigned("first", TimeSpan.FromHours(1));
        await using var server = await StartAsync(directory, first);
        var served = server.Services.GetRequiredService<ServingCertificate>();

        var metrics = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.Equal(UnixSeconds(served.Current), metrics.Value(WebhookMetrics.ServingCertificateExpiry));
        Assert.Equal("gauge", metrics.Families[WebhookMetrics.ServingCertificateExpiry].Type);

        var second = TestPki.SelfSigned("second", TimeSpan.FromDays(3));
        Write(directory, second);
        await Poll.UntilAsync(() => Task.FromResult(served.Current.Thumbprint == second.Thumbprint), "the new certificate to be served");
        metrics = await MetricsEndpointTests.ScrapeAsync(server);
        Assert.Equal(UnixSeconds(served.Current), metrics.Value(WebhookMetrics.ServingCertificateExpiry));
        Assert.InRange(metrics.Value(WebhookMetrics.ServingCertificateExpiry), DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds(), double.MaxValue);
    }

    private static Task<WebhookServer> StartAsync(TempDirectory directory, ServingPair pair)
    {
        var (cert, key) = Write(directory, pair);
        return WebhookServer.StartAsync(options => options with { SelfSignedCert = false, TlsCert = cert, TlsKey = key });
    }

    /// <summary>Writes the pair as tls.crt and tls.key, key first, each through a rename.</summary>
    private static (string Cert, string Key) Write(TempDirectory directory, ServingPair pair, string prefix = "")
    {
        var key = directory.Write(prefix + "tls.key", pair.KeyPem);
        var cert = directory.Write(prefix + "tls.crt", pair.CertPem);
        return (cert, key);
    }

    private static double UnixSeconds(X509Certificate2 certificate) =>
        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>
    /// A handshake whose chain is built with <paramref name="root"/> as the only trust anchor and
    /// no downloads: it validates only when the server sent the intermediate. Returns the policy
    /// errors and the chain's thumbprints, leaf first.
    /// </summary>
    private static async Task<(SslPolicyErrors Errors, string[] Chain)> HandshakeTrustingOnlyAsync(Uri webhook, X509Certificate2 root)
    {
        var errors = SslPolicyErrors.None;
        string[] thumbprints = [];
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, webhook.Port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, chain, policyErrors) =>
        {
            errors = policyErrors;
            thumbprints = chain is null ? [] : [.. chain.ChainElements.Select(e => e.Certificate.Thumbprint)];
            return true;
        });
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.Add(root);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", CertificateChainPolicy = policy });
        return (errors, thumbprints);
    }
}
