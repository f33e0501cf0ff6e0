using System.Net.Security;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Maps --tls-cipher-suites (the IANA names the reference takes from Go's crypto/tls) to a
/// <see cref="CipherSuitesPolicy"/>. As in Go, the list governs TLS 1.2 and below: the TLS 1.3
/// suites are always added, so a list of TLS 1.2 suites never turns TLS 1.3 off.
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

    /// <summary>Null for an empty list (the platform's defaults); throws naming an unknown suite.</summary>
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
                throw new StartupException($"--tls-cipher-suites: \"{name}\" is not a cipher suite this platform supports (use IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            }

            if (!suites.Contains(suite))
            {
                suites.Add(suite);
            }
        }

        return new CipherSuitesPolicy(suites);
    }

    private static bool TryParse(string name, out TlsCipherSuite suite)
    {
        // Go's older names of the ChaCha20 suites lack the _SHA256 the IANA names carry.
        var iana = name.EndsWith("_CHACHA20_POLY1305", StringComparison.Ordinal) ? name + "_SHA256" : name;
        return Enum.TryParse(iana, ignoreCase: false, out suite) && Enum.IsDefined(suite) && !int.TryParse(iana, out _);
    }
}
