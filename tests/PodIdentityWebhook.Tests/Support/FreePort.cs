using System.Net;
using System.Net.Sockets;

namespace PodIdentityWebhook.Tests.Support;

internal static class FreePort
{
    /// <summary>A loopback port the OS just handed out; free again once this returns.</summary>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
