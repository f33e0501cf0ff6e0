using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// Verifies an AWS Signature Version 4 Authorization header as the service would, from the
/// published algorithm: rebuild the canonical request from what arrived, the string to sign
/// over its hash and the credential scope, derive the signing key from the secret the
/// stand-in issued for that access key, and compare signatures. The session token must be
/// the one issued with the key. Only the STS service's scope is accepted.
/// </summary>
internal sealed partial class SigV4Verifier(CredentialIssuer issuer, TimeProvider clock)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>How far a request's X-Amz-Date may be from the stand-in's clock, as AWS allows.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(15);

    public IssuedCredentials Verify(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(authorization))
        {
            throw Fault("MissingAuthenticationToken", "Request is missing Authentication Token");
        }

        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            throw Fault("IncompleteSignature", $"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters for {Algorithm}. Authorization={authorization}");
        }

        var accessKeyId = match.Groups["key"].Value;
        var scope = match.Groups["scope"].Value;
        var scopeParts = scope.Split('/');
        var signedHeaders = match.Groups["headers"].Value.Split(';');
        var signature = match.Groups["signature"].Value;

        var credentials = issuer.Find(accessKeyId);
        if (credentials is null || request.Headers["X-Amz-Security-Token"].ToString() != credentials.SessionToken)
        {
            throw Fault("InvalidClientTokenId", "The security token included in the request is invalid.");
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            throw Fault("IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if (scopeParts.Length != 4 || scopeParts[0] != amzDate[..8] || scopeParts[2] != "sts" || scopeParts[3] != "aws4_request")
        {
            throw Fault("SignatureDoesNotMatch", $"Credential should be scoped to a valid region, date and service sts. Credential scope: {scope}");
        }

        var now = clock.GetUtcNow();
        if ((now - signedAt).Duration() > Skew)
        {
            throw Fault("SignatureDoesNotMatch", $"Signature expired: {amzDate} is now earlier or later than the allowed window around {now:yyyyMMdd'T'HHmmss'Z'}");
        }

        if (now >= credentials.Expiration)
        {
            throw Fault("ExpiredToken", "The security token included in the request is expired");
        }

        // The host and the date are part of every signature; a signature that leaves them out could be replayed elsewhere.
        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-amz-date"))
        {
            throw Fault("SignatureDoesNotMatch", "The request signature must cover the host and x-amz-date headers.");
        }

        var canonicalRequest = CanonicalRequest(request, signedHeaders, body);
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = SigningKey(credentials.SecretAccessKey, scopeParts[0], scopeParts[1], scopeParts[2]);
        var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            throw Fault("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }

        return credentials;
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    private static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return key;
    }

    private static string CanonicalRequest(HttpRequest request, string[] signedHeaders, byte[] body)
    {
        // The path as the client sent it, each segment URI-encoded once more (all services but S3).
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var rawPath = rawTarget.Split('?', 2)[0];
        var path = string.Join('/', rawPath.Split('/').Select(UriEncode));

        var query = string.Join('&', request.Query
            .SelectMany(pair => pair.Value.Select(value => (Name: UriEncode(pair.Key), Value: UriEncode(value ?? ""))))
            .OrderBy(pair => pair.Name, StringComparer.Ordinal)
            .ThenBy(pair => pair.Value, StringComparer.Ordinal)
            .Select(pair => $"{pair.Name}={pair.Value}"));

        var headers = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            var values = request.Headers[name].Select(v => Spaces().Replace((v ?? "").Trim(), " "));
            headers.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        return $"{request.Method}\n{(path.Length == 0 ? "/" : path)}\n{query}\n{headers}\n{string.Join(';', signedHeaders)}\n{Hex(SHA256.HashData(body))}";
    }

    /// <summary>RFC 3986 encoding: everything but unreserved characters as %XX, upper-case hex.</summary>
    private static string UriEncode(string text)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static StsFault Fault(string code, string message) => new(HttpStatusCode.Forbidden, code, message);

    [GeneratedRegex(@"^AWS4-HMAC-SHA256\s+Credential=(?<key>[^/,\s]+)/(?<scope>[^,\s]+),\s*SignedHeaders=(?<headers>[a-z0-9;-]+),\s*Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();
}
