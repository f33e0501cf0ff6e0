using System.Net;
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
        return webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            KestrelLimits.Apply(kestrel.Limits, options);
            kestrel.Listen(address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, _) => certificate.Current,
                    SslProtocols = TlsProtocols.From(options.TlsMinVersion),
                    ClientCertificateMode = ClientCertificateMode.NoCertificate,
                    OnAuthenticate = cipherSuites is null || OperatingSystem.IsWindows() ? null : (_, ssl) => ssl.CipherSuitesPolicy = cipherSuites,
                });
            });
            MetricsListener.Configure(kestrel, address, options);
        });
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
            : throw new StartupException($"--bind-address: \"{bindAddress}\" is not an IP address");
    }
}
