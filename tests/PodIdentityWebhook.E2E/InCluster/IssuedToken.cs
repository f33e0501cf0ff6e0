using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// A ServiceAccount token as a relying party sees it: its claims, and whether its RS256
/// signature verifies against a key the issuer publishes (discovery document, then its
/// jwks_uri), fetched anonymously over HTTPS as an STS fetches an OIDC provider's keys.
/// </summary>
internal sealed record IssuedToken(JsonObject Header, JsonObject Claims, byte[] SignedPart, byte[] Signature)
{
    public static IssuedToken Parse(string jwt)
    {
        var parts = jwt.Trim().Split('.');
        if (parts.Length != 3)
        {
            throw new FormatException($"not a JWT ({parts.Length} parts)");
        }

        return new IssuedToken(
            JsonNode.Parse(Base64Url(parts[0]))!.AsObject(),
            JsonNode.Parse(Base64Url(parts[1]))!.AsObject(),
            Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"),
            Base64Url(parts[2]));
    }

    public string Issuer => Claims["iss"]!.GetValue<string>();

    public string Subject => Claims["sub"]!.GetValue<string>();

    /// <summary>"aud" is a string or an array of strings.</summary>
    public IReadOnlyList<string> Audiences => Claims["aud"] switch
    {
        JsonArray many => [.. many.Select(a => a!.GetValue<string>())],
        JsonNode one => [one.GetValue<string>()],
        null => [],
    };

    public DateTimeOffset Expires => DateTimeOffset.FromUnixTimeSeconds(Claims["exp"]!.GetValue<long>());

    /// <summary>True when a key of the issuer's JWKS with the token's kid verifies the signature.</summary>
    public async Task<bool> VerifiesAgainstIssuerAsync(string caFile)
    {
        using var http = new HttpClient(KubeRest.TrustingHandler(await File.ReadAllTextAsync(caFile)));
        var discovery = JsonNode.Parse(await http.GetStringAsync(Issuer.TrimEnd('/') + "/.well-known/openid-configuration"))!;
        if (discovery["issuer"]!.GetValue<string>() != Issuer)
        {
            return false;
        }

        var jwks = JsonNode.Parse(await http.GetStringAsync(discovery["jwks_uri"]!.GetValue<string>()))!;
        var kid = Header["kid"]?.GetValue<string>();
        foreach (var key in jwks["keys"]!.AsArray().Where(k => k!["kid"]?.GetValue<string>() == kid))
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url(key!["n"]!.GetValue<string>()), Exponent = Base64Url(key["e"]!.GetValue<string>()) });
            if (rsa.VerifyData(SignedPart, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] Base64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
