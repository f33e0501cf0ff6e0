using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Hosting;

/// <summary>Loads the serving certificate from PEM files, with errors that name the flag and the path.</summary>
internal static class CertificateLoader
{
    public static X509Certificate2 LoadPem(string certPath, string keyPath)
    {
        if (!File.Exists(certPath))
        {
            throw new StartupException($"--tls-cert: certificate file {certPath} does not exist");
        }

        if (!File.Exists(keyPath))
        {
            throw new StartupException($"--tls-key: key file {keyPath} does not exist");
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (!certificate.HasPrivateKey)
            {
                throw new StartupException($"--tls-key: {keyPath} holds no private key for {certPath}");
            }

            return certificate;
        }
        catch (CryptographicException ex)
        {
            throw new StartupException(
                $"--tls-cert/--tls-key: cannot load {certPath} with {keyPath} ({ex.Message}); both must be PEM and the key must match the certificate");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new StartupException($"--tls-cert/--tls-key: cannot read {certPath} or {keyPath}: {ex.Message}");
        }
    }
}
