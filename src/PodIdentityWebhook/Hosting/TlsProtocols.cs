using System.Security.Authentication;

namespace PodIdentityWebhook.Hosting;

/// <summary>Maps --tls-min-version to the protocols the listener accepts.</summary>
internal static class TlsProtocols
{
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0/1.1 only when the operator asks for them, as the reference allows.
    public static SslProtocols From(string minVersion) => minVersion switch
    {
        "1.0" => SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13,
        "1.1" => SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13,
        "1.3" => SslProtocols.Tls13,
        _ => SslProtocols.Tls12 | SslProtocols.Tls13,
    };
#pragma warning restore SYSLIB0039, CA5397
}
