using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Certificates;

/// <summary>Loads the serving certificate from PEM files, with errors that name the flag and the path.</summary>
internal static class CertificateLoader
{
    /// <summary>
    /// The first certificate in <paramref name="certPath"/> is the leaf and must match the key;
    /// the ones after it are served as its chain. Both files are read once, so a Secret swapped
    /// mid-load cannot pair a leaf from one version with a chain from another.
    /// </summary>
    public static CertificateChain LoadPem(string certPath, string keyPath)
    {
        if (!File.Exists(certPath))
        {
            throw new ConfigurationException($"--tls-cert: certificate file {certPath} does not exist");
        }

        if (!File.Exists(keyPath))
        {
            throw new ConfigurationException($"--tls-key: key file {keyPath} does not exist");
        }

        string certPem;
        string keyPem;
        try
        {
            certPem = File.ReadAllText(certPath);
            keyPem = File.ReadAllText(keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"--tls-cert/--tls-key: cannot read {certPath} or {keyPath}: {ex.Message}");
        }

        try
        {
            var leaf = X509Certificate2.CreateFromPem(certPem, keyPem);
            if (!leaf.HasPrivateKey)
            {
                leaf.Dispose();
                throw new ConfigurationException($"--tls-key: {keyPath} holds no private key for {certPath}");
            }

            // ImportFromPem reads the leaf again, without its key: the copy is dropped.
            var intermediates = new X509Certificate2Collection();
            intermediates.ImportFromPem(certPem);
            intermediates[0].Dispose();
            intermediates.RemoveAt(0);

            return new CertificateChain(leaf, intermediates);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // CreateFromPem reports a key that does not match the certificate as an ArgumentException.
            throw new ConfigurationException(
                $"--tls-cert/--tls-key: cannot load {certPath} with {keyPath} ({ex.Message}); both must be PEM and the key must match the certificate");
        }
    }
}
