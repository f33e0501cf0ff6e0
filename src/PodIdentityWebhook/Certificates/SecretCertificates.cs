using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Certificates;

/// <summary>
/// The PEM content of the self-managed Secret (type kubernetes.io/tls): tls.crt and tls.key
/// are the serving certificate and its key; ca.crt is the bundle clients must trust, the
/// current CA first; ca.key is the current CA's key.
/// </summary>
internal sealed record SecretCertificates(string TlsCrt, string TlsKey, string CaCrt, string CaKey)
{
    public const string RotateAnnotation = "pod-identity-webhook.amazonaws.com/rotate";

    public const string RotateCaAnnotation = "pod-identity-webhook.amazonaws.com/rotate-ca";

    /// <summary>The PEM of the Secret's data; null when a key is missing or not base64.</summary>
    public static SecretCertificates? FromSecret(JsonObject secret)
    {
        if (secret["data"] is not JsonObject data)
        {
            return null;
        }

        var values = new string[4];
        string[] keys = ["tls.crt", "tls.key", "ca.crt", "ca.key"];
        for (var i = 0; i < keys.Length; i++)
        {
            if (data[keys[i]] is not JsonValue value || !value.TryGetValue<string>(out var text))
            {
                return null;
            }

            try
            {
                values[i] = Encoding.UTF8.GetString(Convert.FromBase64String(text));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return new SecretCertificates(values[0], values[1], values[2], values[3]);
    }

    /// <summary>A new CA and a serving certificate for <paramref name="names"/>.</summary>
    public static SecretCertificates Create(IReadOnlyList<string> names, DateTimeOffset now, RenewalSettings settings)
    {
        using var ca = CertificateAuthority.CreateCa(now, settings.CaLifetime);
        using var serving = CertificateAuthority.IssueServing(ca, names, now, settings.ServingLifetime);
        return new SecretCertificates(serving.ExportCertificatePem(), KeyPem(serving), ca.ExportCertificatePem(), KeyPem(ca));
    }

    /// <summary>The Secret's data object, base64 as the API wants it.</summary>
    public JsonObject ToData() => new()
    {
        ["tls.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(TlsCrt)),
        ["tls.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(TlsKey)),
        ["ca.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(CaCrt)),
        ["ca.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(CaKey)),
    };

    /// <summary>The serving chain to serve (the leaf alone: its CA is in the caBundle); throws when it does not load.</summary>
    public CertificateChain ServingChain() => new(X509Certificate2.CreateFromPem(TlsCrt, TlsKey), []);

    /// <summary>What the renewal decision reads; null when the content does not load.</summary>
    public CertificateFacts? Facts(IReadOnlyList<string> names, DateTimeOffset now, bool rotate, bool rotateCa)
    {
        try
        {
            using var ca = X509Certificate2.CreateFromPem(FirstPem(CaCrt), CaKey);
            using var serving = X509Certificate2.CreateFromPem(TlsCrt, TlsKey);
            var bundle = Bundle();
            var expired = bundle.Any(c => Utc(c.NotAfter) <= now);
            foreach (var certificate in bundle)
            {
                certificate.Dispose();
            }

            return new CertificateFacts(
                Utc(ca.NotBefore),
                Utc(ca.NotAfter),
                Utc(serving.NotAfter),
                CertificateAuthority.IsIssuedBy(serving, ca),
                new HashSet<string>(CertificateAuthority.NamesOf(serving), StringComparer.OrdinalIgnoreCase)
                    .SetEquals(names.Select(n => System.Net.IPAddress.TryParse(n, out var a) ? a.ToString() : n)),
                expired,
                rotate,
                rotateCa);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The content after <paramref name="action"/> (not <see cref="RenewalAction.None"/>).</summary>
    public SecretCertificates Apply(RenewalAction action, IReadOnlyList<string> names, DateTimeOffset now, RenewalSettings settings)
    {
        switch (action)
        {
            case RenewalAction.RenewServing or RenewalAction.FinishCaRotation:
                {
                    using var ca = X509Certificate2.CreateFromPem(FirstPem(CaCrt), CaKey);
                    using var serving = CertificateAuthority.IssueServing(ca, names, now, settings.ServingLifetime);
                    return this with { TlsCrt = serving.ExportCertificatePem(), TlsKey = KeyPem(serving) };
                }

            case RenewalAction.StartCaRotation:
                {
                    using var ca = CertificateAuthority.CreateCa(now, settings.CaLifetime);
                    return this with { CaCrt = ca.ExportCertificatePem() + "\n" + UnexpiredPem(now), CaKey = KeyPem(ca) };
                }

            case RenewalAction.PruneBundle:
                return this with { CaCrt = UnexpiredPem(now) };

            default:
                return Create(names, now, settings);
        }
    }

    /// <summary>Every certificate of ca.crt, current CA first.</summary>
    public List<X509Certificate2> Bundle()
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(CaCrt);
        return [.. collection];
    }

    private string UnexpiredPem(DateTimeOffset now)
    {
        var kept = new StringBuilder();
        foreach (var certificate in Bundle())
        {
            using (certificate)
            {
                if (Utc(certificate.NotAfter) > now)
                {
                    kept.Append(certificate.ExportCertificatePem()).Append('\n');
                }
            }
        }

        return kept.ToString();
    }

    private static string FirstPem(string bundle)
    {
        const string end = "-----END CERTIFICATE-----";
        var at = bundle.IndexOf(end, StringComparison.Ordinal);
        return at < 0 ? bundle : bundle[..(at + end.Length)];
    }

    private static string KeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new CryptographicException("the certificate has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static DateTimeOffset Utc(DateTime time) => new(time.ToUniversalTime(), TimeSpan.Zero);
}
