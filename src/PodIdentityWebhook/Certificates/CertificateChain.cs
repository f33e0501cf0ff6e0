using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Certificates;

/// <summary>
/// A serving certificate as read from --tls-cert: the leaf (with its key) and the certificates
/// after it in the file, which Go's crypto/tls serves as the chain and so do we.
/// </summary>
internal sealed class CertificateChain(X509Certificate2 leaf, X509Certificate2Collection intermediates) : IDisposable
{
    public X509Certificate2 Leaf { get; } = leaf;

    public X509Certificate2Collection Intermediates { get; } = intermediates;

    /// <summary>The thumbprints of every certificate in file order: a reload that changes none is no change.</summary>
    public string Fingerprint => string.Join(',', Intermediates.Select(c => c.Thumbprint).Prepend(Leaf.Thumbprint));

    public void Dispose()
    {
        Leaf.Dispose();
        foreach (var certificate in Intermediates)
        {
            certificate.Dispose();
        }
    }
}
