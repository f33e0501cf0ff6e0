using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// Serving certificates for 127.0.0.1 made in the test: self-signed with a chosen validity and
/// key, or issued by a throwaway intermediate under a throwaway root, as PEM for --tls-cert
/// and --tls-key.
/// </summary>
internal static class TestPki
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Self-signed, ECDSA P-256 unless <paramref name="key"/> is given; the key is not disposed.</summary>
    public static ServingPair SelfSigned(string name, DateTimeOffset notBefore, DateTimeOffset notAfter, AsymmetricAlgorithm? key = null)
    {
        using var ownKey = key is null ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var request = ServerRequest(name, key ?? ownKey!);
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return new ServingPair(certificate.ExportCertificatePem(), (key ?? ownKey!).ExportPkcs8PrivateKeyPem(), certificate.Thumbprint);
    }

    /// <summary>Valid now: from five minutes ago for <paramref name="lifetime"/>.</summary>
    public static ServingPair SelfSigned(string name, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        return SelfSigned(name, now.AddMinutes(-5), now + lifetime);
    }

    /// <summary>
    /// A leaf issued by an intermediate CA under a root CA; <see cref="IssuedChain.Pair"/>'s
    /// certificate PEM holds the leaf then the intermediate, as cert-manager writes tls.crt.
    /// </summary>
    public static IssuedChain Issued(string name)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = CaRequest("CN=test root CA", rootKey).CreateSelfSigned(now.AddMinutes(-5), now.AddHours(2));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediatePublic = CaRequest("CN=test intermediate CA", intermediateKey).Create(root, now.AddMinutes(-5), now.AddHours(2), [1]);
        using var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = ServerRequest(name, leafKey).Create(intermediate, now.AddMinutes(-5), now.AddHours(1), [2]);

        return new IssuedChain(
            new ServingPair(leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem(), leaf.Thumbprint),
            leaf.ExportCertificatePem(),
            X509CertificateLoader.LoadCertificate(root.RawData),
            intermediate.Thumbprint);
    }

    private static CertificateRequest ServerRequest(string name, AsymmetricAlgorithm key)
    {
        var request = key switch
        {
            RSA rsa => new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest($"CN={name}", ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException($"no certificate request for a {key.GetType().Name} key", nameof(key)),
        };
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], false));
        return request;
    }

    private static CertificateRequest CaRequest(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }
}
