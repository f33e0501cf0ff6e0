using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using PodIdentityWebhook.Metrics;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>Listeners: the webhook port over TLS with the configured protocol floor, and the metrics port.</summary>
internal static class KestrelSetup
{
    public static IWebHostBuilder ConfigureWebhookKestrel(
        this IWebHostBuilder webHost, WebhookOptions options, ServingCertificate certificate)
    {
        var address = ParseBindAddress(options.BindAddress);
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
                    OnConnection = _ => ValueTask.FromResult(ServerOptions(certificate, protocols, cipherSuites)),
                });
            });
            if (options.MetricsPort != 0 && options.MetricsPort == options.Port)
            {
                throw new ConfigurationException($"--metrics-port: {options.MetricsPort} is also --port; the metrics server needs a port of its own");
            }

            MetricsListener.Configure(kestrel, address, options);
        });
    }

    private static SslServerAuthenticationOptions ServerOptions(
        ServingCertificate certificate, SslProtocols protocols, CipherSuitesPolicy? cipherSuites)
    {
        var ssl = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate.Context,
            EnabledSslProtocols = protocols,
            ClientCertificateRequired = false,
        };
        if (!OperatingSystem.IsWindows())
        {
            ssl.CipherSuitesPolicy = cipherSuites;
        }

        return ssl;
    }

    private static IPAddress ParseBindAddress(string bindAddress)
    {
        if (bindAddress.Length == 0)
        {
            return IPAddress.IPv6Any;
        }

        if (bindAddress == "localhost")
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(bindAddress, out var address)
            ? address
            : throw new ConfigurationException($"--bind-address: \"{bindAddress}\" is not an IP address");
    }
}
