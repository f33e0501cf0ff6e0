using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Reads the PEM material kubeconfig and in-cluster setups refer to: CA bundles and client
/// certificate plus key, from files or inline base64 data. Every failure says what and where.
/// </summary>
internal static class PemCredentials
{
    /// <summary>Reads a file the configuration names; <paramref name="what"/> says which setting.</summary>
    public static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigException($"{what} {path}: cannot read the file: {ex.Message}", ex);
        }
    }

    /// <summary>Decodes a kubeconfig <c>*-data</c> value: base64 of the PEM text.</summary>
    public static string DecodeData(string base64, string what)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException ex)
        {
            throw new KubernetesConfigException($"{what}: not valid base64: {ex.Message}", ex);
        }
    }

    public static X509Certificate2Collection ParseAuthorities(string pem, string what)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new KubernetesConfigException($"{what}: not a PEM certificate bundle: {ex.Message}", ex);
        }

        if (collection.Count == 0)
        {
            throw new KubernetesConfigException($"{what}: holds no PEM certificate");
        }

        return collection;
    }

    public static X509Certificate2 ParseClientCertificate(string certificatePem, string keyPem, string what)
    {
        try
        {
            using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // A PEM key is ephemeral; a PKCS#12 round trip gives a key every TLS backend can use.
            return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException ex)
        {
            throw new KubernetesConfigException($"{what}: the client certificate and key do not load: {ex.Message}", ex);
        }
    }
}
