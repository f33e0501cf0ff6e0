using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>A throwaway CA, the API server's serving certificate and the ServiceAccount signing key, as PEM files.</summary>
internal sealed class ControlPlanePki
{
    private ControlPlanePki(string folder, string caPem)
    {
        CaPem = caPem;
        CaFile = Path.Combine(folder, "ca.crt");
        ServingCertFile = Path.Combine(folder, "apiserver.crt");
        ServingKeyFile = Path.Combine(folder, "apiserver.key");
        ServiceAccountKeyFile = Path.Combine(folder, "sa.key");
        ServiceAccountPublicKeyFile = Path.Combine(folder, "sa.pub");
    }

    public string CaPem { get; }
    public string CaFile { get; }
    public string ServingCertFile { get; }
    public string ServingKeyFile { get; }
    public string ServiceAccountKeyFile { get; }
    public string ServiceAccountPublicKeyFile { get; }

    public static ControlPlanePki Create(string folder)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=pod-identity-webhook-e2e-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var servingKey = RSA.Create(2048);
        var servingRequest = new CertificateRequest("CN=kube-apiserver", servingKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        servingRequest.CertificateExtensions.Add(names.Build());
        servingRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serving = servingRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));

        using var saKey = RSA.Create(2048);
        var pki = new ControlPlanePki(folder, ca.ExportCertificatePem());
        File.WriteAllText(pki.CaFile, pki.CaPem);
        File.WriteAllText(pki.ServingCertFile, serving.ExportCertificatePem());
        File.WriteAllText(pki.ServingKeyFile, servingKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(pki.ServiceAccountKeyFile, saKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(pki.ServiceAccountPublicKeyFile, saKey.ExportSubjectPublicKeyInfoPem());
        return pki;
    }
}
