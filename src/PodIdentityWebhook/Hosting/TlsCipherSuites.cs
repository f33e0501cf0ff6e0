using System.Net.Security;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Maps --tls-cipher-suites (the IANA names the reference takes from Go's crypto/tls) to a
/// <see cref="CipherSuitesPolicy"/>. As in Go, the list governs TLS 1.2 and below: the TLS 1.3
/// suites are always added, so a list of TLS 1.2 suites never turns TLS 1.3 off. Only suites
/// that Go's crypto/tls implements and OpenSSL can negotiate with an RSA or ECDSA certificate
/// are taken; any other name could never be negotiated here, or would weaken TLS, so it stops
/// startup with the reason.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class TlsCipherSuites
{
    private static readonly TlsCipherSuite[] Tls13 =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    // Go's tls.CipherSuites() and tls.InsecureCipherSuites() without RC4 and 3DES: ECDHE and
    // RSA key exchange with AES-GCM, ChaCha20-Poly1305 or AES-CBC.
    private static readonly HashSet<TlsCipherSuite> Allowed =
    [
        .. Tls13,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
    ];

    // Why a known suite is refused, first match wins; the IANA names carry their parts.
    private static readonly (string Part, string Reason)[] Refusals =
    [
        ("_WITH_NULL_", "it does not encrypt (NULL cipher)"),
        ("_anon_", "it does not authenticate the server (anonymous key exchange)"),
        ("_EXPORT", "it is an export-grade suite with a deliberately weak key"),
        ("_RC4_", "RC4 is broken (RFC 7465 prohibits it)"),
        ("DES", "DES and 3DES are broken or too weak (Sweet32)"),
        ("PSK_", "it needs a pre-shared key, and the webhook serves a certificate"),
        ("_SRP_", "it needs SRP passwords, and the webhook serves a certificate"),
        ("_KRB5_", "it needs Kerberos, and the webhook serves a certificate"),
        ("_DSS_", "it needs a DSA certificate, which the webhook refuses"),
        ("TLS_DH_", "it needs a static Diffie-Hellman certificate, which the webhook refuses"),
        ("TLS_ECDH_", "it needs a static ECDH certificate, which the webhook refuses"),
    ];

    /// <summary>Null for an empty list (the platform's defaults); throws naming an unknown or refused suite.</summary>
    public static CipherSuitesPolicy? From(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return null;
        }

        var suites = new List<TlsCipherSuite>(Tls13);
        foreach (var raw in names)
        {
            var name = raw.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (!TryParse(name, out var suite))
            {
                throw new ConfigurationException($"--tls-cipher-suites: \"{name}\" is not a cipher suite this platform supports (use IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            }

            if (!Allowed.Contains(suite))
            {
                throw new ConfigurationException($"--tls-cipher-suites: {name} is refused: {Refusal(name)} (use suites Go's crypto/tls implements with ECDHE or RSA key exchange and AES or ChaCha20, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            }

            if (!suites.Contains(suite))
            {
                suites.Add(suite);
            }
        }

        return new CipherSuitesPolicy(suites);
    }

    private static string Refusal(string name)
    {
        foreach (var (part, reason) in Refusals)
        {
            if (name.Contains(part, StringComparison.Ordinal))
            {
                return reason;
            }
        }

        return "Go's crypto/tls, which the reference webhook uses, does not implement it";
    }

    private static bool TryParse(string name, out TlsCipherSuite suite)
    {
        // Go's older names of the ChaCha20 suites lack the _SHA256 the IANA names carry.
        var iana = name.EndsWith("_CHACHA20_POLY1305", StringComparison.Ordinal) ? name + "_SHA256" : name;
        return Enum.TryParse(iana, ignoreCase: false, out suite) && Enum.IsDefined(suite) && !int.TryParse(iana, out _);
    }
}
