using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.InCluster.Sts;

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
            JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject(),
            JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject(),
            Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"),
            Base64Url.DecodeFromChars(parts[2]));
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

    /// <summary>True when the issuer's published key with the token's kid verifies the signature (fetched as STS fetches it).</summary>
    public async Task<bool> VerifiesAgainstIssuerAsync(string caFile)
    {
        using var keys = new IssuerKeys(Issuer, await File.ReadAllTextAsync(caFile));
        if (Header["kid"]?.GetValue<string>() is not { } kid || await keys.FindAsync(kid) is not { } key)
        {
            return false;
        }

        using var rsa = RSA.Create(key);
        return rsa.VerifyData(SignedPart, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
