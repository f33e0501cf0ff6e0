using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Metrics;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>Listeners: the webhook port over TLS with the configured protocol floor, and the metrics port.</summary>
internal static class KestrelSetup
{
    public static IWebHostBuilder ConfigureWebhookKestrel(
        this IWebHostBuilder webHost, WebhookOptions options, ServingCertificate certificate)
    {
        var address = OptionsValidator.BindAddress(options.BindAddress) ?? throw new ConfigurationException(OptionsValidator.Problem(options)!);
        var cipherSuites = OperatingSystem.IsWindows() ? null : TlsCipherSuites.From(options.TlsCipherSuites);
        var protocols = TlsProtocols.From(options.TlsMinVersion);
        return webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            KestrelLimits.Apply(kestrel.Limits, options);
            kestrel.Listen(address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    // Per connection, so a reloaded certificate reaches the next handshake; a
                    // context (rather than a certificate) sends the intermediates too. ALPN is
                    // left unset for Kestrel to fill from listen.Protocols (h2, http/1.1).
                    OnConnection = async _ => ServerOptions(await certificate.ContextAsync(), protocols, cipherSuites),
                });
            });
            MetricsListener.Configure(kestrel, address, options);
        });
    }

    private static SslServerAuthenticationOptions ServerOptions(
        SslStreamCertificateContext certificate, SslProtocols protocols, CipherSuitesPolicy? cipherSuites)
    {
        var ssl = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            EnabledSslProtocols = protocols,
            ClientCertificateRequired = false,
        };
        if (!OperatingSystem.IsWindows())
        {
            ssl.CipherSuitesPolicy = cipherSuites;
        }

        return ssl;
    }
}
