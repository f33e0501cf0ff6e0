using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// The plain-HTTP listener on --metrics-port, next to the webhook's TLS listener in the same
/// Kestrel server. Requests are told apart by the local port the connection arrived on; the
/// port actually bound is noted by a connection middleware, so port 0 (tests) works too.
/// </summary>
internal sealed class MetricsListener
{
    private int _boundPort = -1;

    public static void Configure(KestrelServerOptions kestrel, IPAddress address, WebhookOptions options)
    {
        var listener = kestrel.ApplicationServices.GetRequiredService<MetricsListener>();
        kestrel.Listen(address, options.MetricsPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                if (connection.LocalEndPoint is IPEndPoint local)
                {
                    Volatile.Write(ref listener._boundPort, local.Port);
                }

                return next(connection);
            });
        });
    }

    /// <summary>Whether the request came in on the metrics port.</summary>
    public bool Serves(HttpContext context) => context.Connection.LocalPort == Volatile.Read(ref _boundPort);
}
