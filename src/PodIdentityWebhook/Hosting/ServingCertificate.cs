using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>The certificate the webhook port serves; read per handshake so it can be swapped.</summary>
internal sealed class ServingCertificate(X509Certificate2 initial)
{
    private volatile X509Certificate2 _current = initial;

    public X509Certificate2 Current => _current;

    public void Replace(X509Certificate2 certificate) => _current = certificate;

    /// <summary>Loads the certificate the options ask for, or stops startup with a message naming the flag.</summary>
    public static ServingCertificate FromOptions(WebhookOptions options) => new(
        options.SelfSignedCert
            ? SelfSignedCertificate.Create()
            : CertificateLoader.LoadPem(options.TlsCert, options.TlsKey));
}
