using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// A folder laid out like a mounted Kubernetes Secret: tls.crt and tls.key are symlinks into
/// <c>..data</c>, itself a symlink to a timestamped folder; <see cref="Publish"/> writes a new
/// folder and re-points <c>..data</c> in one rename, as the kubelet does when cert-manager
/// renews the certificate.
/// </summary>
internal sealed class SecretMount : IDisposable
{
    private int _generation;

    private SecretMount(string folder) => Folder = folder;

    public string Folder { get; }

    public string CertPath => Path.Combine(Folder, "tls.crt");

    public string KeyPath => Path.Combine(Folder, "tls.key");

    public static SecretMount Create(ServingPair first)
    {
        var mount = new SecretMount(Directory.CreateTempSubdirectory("piw-secret-").FullName);
        mount.Publish(first.CertPem, first.KeyPem);
        File.CreateSymbolicLink(mount.CertPath, Path.Combine("..data", "tls.crt"));
        File.CreateSymbolicLink(mount.KeyPath, Path.Combine("..data", "tls.key"));
        return mount;
    }

    public void Publish(string certPem, string keyPem)
    {
        var name = $"..2026_11_22_{++_generation:D4}";
        var folder = Directory.CreateDirectory(Path.Combine(Folder, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "tls.crt"), certPem);
        File.WriteAllText(Path.Combine(folder, "tls.key"), keyPem);
        var staged = Path.Combine(Folder, "..data_tmp");
        File.CreateSymbolicLink(staged, name);
        if (Rename(staged, Path.Combine(Folder, "..data")) != 0)
        {
            throw new IOException($"rename of {staged} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>rename(2): replaces the <c>..data</c> link itself, atomically (File.Move follows links).</summary>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string from,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string to);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A self-signed serving certificate for 127.0.0.1 with its key, as PEM.</summary>
internal sealed record ServingPair(string CertPem, string KeyPem, string Thumbprint)
{
    public static ServingPair Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        return new ServingPair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), certificate.Thumbprint);
    }
}
