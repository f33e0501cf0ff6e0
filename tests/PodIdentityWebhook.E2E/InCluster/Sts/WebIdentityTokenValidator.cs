using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// Checks a JWT as STS checks a web identity token before it looks at any role: issued by
/// the registered OIDC provider, RS256-signed by a key that provider publishes (by kid),
/// within its lifetime on the stand-in's clock, and for one of the allowed audiences. The
/// EKS Pod Identity stand-in uses the same checks with its own audience.
/// </summary>
internal sealed class WebIdentityTokenValidator(string issuer, IssuerKeys keys, TimeProvider clock)
{
    /// <summary>Clock skew tolerated for iat and nbf, as relying parties commonly allow.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    public async Task<ValidatedToken> ValidateAsync(string jwt, IReadOnlyList<string> allowedAudiences)
    {
        IssuedToken token;
        try
        {
            token = IssuedToken.Parse(jwt);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            throw StsFault.InvalidIdentityToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
        }

        var tokenIssuer = Text(token.Claims, "iss");
        if (tokenIssuer != issuer)
        {
            throw StsFault.InvalidIdentityToken($"No OpenIDConnect provider found in your account for {tokenIssuer}");
        }

        // Only RS256: a token naming "none" or an HMAC algorithm must not pass on the key's say-so.
        var kid = Text(token.Header, "kid");
        if (Text(token.Header, "alg") != "RS256" || kid is null || await keys.FindAsync(kid) is not { } key)
        {
            throw StsFault.InvalidIdentityToken("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
        }

        using (var rsa = RSA.Create(key))
        {
            if (!rsa.VerifyData(token.SignedPart, token.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                throw StsFault.InvalidIdentityToken("The signature of the web identity token could not be verified");
            }
        }

        var now = clock.GetUtcNow();
        var expires = Seconds(token.Claims, "exp") ?? throw StsFault.InvalidIdentityToken("Token has no expiration");
        if (now >= DateTimeOffset.FromUnixTimeSeconds(expires))
        {
            // Real STS prints both instants as epoch seconds, the second without a space before it.
            throw new StsFault(System.Net.HttpStatusCode.BadRequest, "ExpiredTokenException",
                string.Create(CultureInfo.InvariantCulture, $"Token expired: current date/time {now.ToUnixTimeSeconds()} must be before the expiration date/time{expires}"));
        }

        if (Seconds(token.Claims, "iat") is { } iat && DateTimeOffset.FromUnixTimeSeconds(iat) > now + Skew
            || Seconds(token.Claims, "nbf") is { } nbf && DateTimeOffset.FromUnixTimeSeconds(nbf) > now + Skew)
        {
            throw StsFault.InvalidIdentityToken("Token used before issued");
        }

        if (!token.Audiences.Any(a => allowedAudiences.Contains(a, StringComparer.Ordinal)))
        {
            throw StsFault.InvalidIdentityToken("Incorrect token audience");
        }

        var subject = Text(token.Claims, "sub") ?? throw StsFault.InvalidIdentityToken("Token has no subject");
        return new ValidatedToken(tokenIssuer, subject, token.Audiences);
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static long? Seconds(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<long>(out var seconds) ? seconds : null;
}
