using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Certificates;

/// <summary>
/// What a serving certificate must be before it is served: within its validity period (every
/// certificate of the chain) and with a leaf key no client will refuse as weak. The API server
/// would reject such a certificate on every review, and with <c>failurePolicy: Fail</c> that
/// blocks every pod; refusing it up front keeps the last good one serving instead.
/// </summary>
internal static class CertificatePolicy
{
    public const int MinimumRsaBits = 2048;

    public const int MinimumEcdsaBits = 256;

    /// <summary>Why the chain must not be served at <paramref name="now"/>, or null when it may.</summary>
    public static string? Refusal(CertificateChain chain, DateTimeOffset now)
    {
        foreach (var certificate in chain.Intermediates.Prepend(chain.Leaf))
        {
            if (ValidityRefusal(certificate, now) is { } validity)
            {
                return validity;
            }
        }

        return KeyRefusal(chain.Leaf);
    }

    private static string? ValidityRefusal(X509Certificate2 certificate, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (now > notAfter)
        {
            return $"certificate {certificate.Subject} expired at {Format(notAfter)}";
        }

        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        return now < notBefore ? $"certificate {certificate.Subject} is not yet valid (not before {Format(notBefore)})" : null;
    }

    private static string? KeyRefusal(X509Certificate2 leaf)
    {
        using (var rsa = leaf.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                return rsa.KeySize < MinimumRsaBits
                    ? $"certificate {leaf.Subject} has a weak {rsa.KeySize}-bit RSA key (at least {MinimumRsaBits} bits required)"
                    : null;
            }
        }

        using (var ecdsa = leaf.GetECDsaPublicKey())
        {
            if (ecdsa is not null)
            {
                return ecdsa.KeySize < MinimumEcdsaBits
                    ? $"certificate {leaf.Subject} has a weak {ecdsa.KeySize}-bit ECDSA key (at least {MinimumEcdsaBits} bits required)"
                    : null;
            }
        }

        // DSA and anything else: TLS 1.3 and Go's crypto/tls sign handshakes with RSA, ECDSA or
        // Ed25519 only, and .NET cannot serve Ed25519.
        return $"certificate {leaf.Subject} has a {leaf.PublicKey.Oid.FriendlyName ?? leaf.PublicKey.Oid.Value} key; only RSA (at least {MinimumRsaBits} bits) and ECDSA (at least {MinimumEcdsaBits} bits) are served";
    }

    private static string Format(DateTimeOffset instant) => instant.ToString("u", CultureInfo.InvariantCulture);
}
