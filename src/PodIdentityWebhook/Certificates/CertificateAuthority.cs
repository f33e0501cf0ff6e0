using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Certificates;

/// <summary>
/// Issues the self-managed CA and the serving certificates it signs: ECDSA P-256 keys through
/// <see cref="CertificateRequest"/>, which needs no reflection under Native AOT. Both are
/// backdated by <see cref="Backdate"/> so an API server whose clock lags a little still accepts them.
/// </summary>
internal static class CertificateAuthority
{
    /// <summary>How far before their issue time certificates start to be valid.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>A self-signed CA with its key, valid from <paramref name="now"/> minus <see cref="Backdate"/> for <paramref name="lifetime"/>.</summary>
    public static X509Certificate2 CreateCa(DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            $"CN=pod-identity-webhook-ca@{now.ToUnixTimeSeconds()}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(Truncate(now - Backdate), Truncate(now + lifetime));
    }

    /// <summary>
    /// A serving certificate with its key, signed by <paramref name="ca"/> (which must hold its
    /// key), naming <paramref name="names"/> (DNS names, or IP addresses when they parse as one).
    /// It never outlives the CA.
    /// </summary>
    public static X509Certificate2 IssueServing(X509Certificate2 ca, IReadOnlyList<string> names, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                sans.AddIpAddress(address);
            }
            else
            {
                sans.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var caNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = Truncate(now + lifetime) < caNotAfter ? Truncate(now + lifetime) : caNotAfter;
        using var signed = request.Create(ca, Truncate(now - Backdate), notAfter, RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>The names a serving certificate for <paramref name="service"/> in <paramref name="namespace"/> carries.</summary>
    public static IReadOnlyList<string> ServiceNames(string service, string @namespace, IEnumerable<string> extra) =>
    [
        service,
        $"{service}.{@namespace}",
        $"{service}.{@namespace}.svc",
        $"{service}.{@namespace}.svc.cluster.local",
        .. extra.Where(e => e.Length > 0),
    ];

    /// <summary>The DNS names and IP addresses of <paramref name="certificate"/>'s subject alternative names.</summary>
    public static IReadOnlyList<string> NamesOf(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return extension is null
            ? []
            : [.. extension.EnumerateDnsNames(), .. extension.EnumerateIPAddresses().Select(a => a.ToString())];
    }

    /// <summary>True when <paramref name="certificate"/>'s signature verifies with <paramref name="issuer"/>'s key.</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        if (certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData) is false)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate);
    }

    // X.509 times have whole seconds; truncating keeps NotAfter comparisons exact.
    private static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
