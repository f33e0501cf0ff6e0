using System.Net;

namespace PodIdentityWebhook.Load;

/// <summary>HTTP clients for a webhook on loopback serving a self-signed certificate.</summary>
internal static class Loopback
{
    public static HttpClient Client(int connections = 16) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestVersion = HttpVersion.Version11,
    };
}
