using System.Text;
using System.Text.Json;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// Checks an IAM role trust policy against what the pod will present to STS: the projected
/// ServiceAccount token for AssumeRoleWithWebIdentity (IRSA), or EKS Pod Identity's
/// AssumeRole + TagSession; and writes the minimal policy the pod needs. Statements using
/// NotPrincipal, NotAction, or condition operators and keys whose value the pod does not
/// determine are reported as not evaluated instead of guessed.
/// </summary>
internal static partial class TrustPolicy
{
    /// <summary>What the SDK calls with the projected token (IRSA).</summary>
    public const string WebIdentityAction = "sts:AssumeRoleWithWebIdentity";

    /// <summary>The first of the two actions EKS Pod Identity needs.</summary>
    public const string AssumeRoleAction = "sts:AssumeRole";

    /// <summary>EKS Pod Identity tags the session with the cluster, namespace and ServiceAccount.</summary>
    public const string TagSessionAction = "sts:TagSession";

    /// <summary>The service principal EKS Pod Identity assumes roles as.</summary>
    public const string PodIdentityService = "pods.eks.amazonaws.com";

    /// <summary>Written in place of the account id when it is not known.</summary>
    public const string AccountPlaceholder = "ACCOUNT_ID";

    private const string PolicyVersion = "2012-10-17";
    private const string ProviderResource = "oidc-provider/";
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    private enum KeyState
    {
        Present,
        Absent,
        Unknown,
    }

    /// <summary>Reads a policy document, <c>aws iam get-role</c> output or IAM's URL-encoded text.</summary>
    /// <param name="source">Named in the <see cref="Options.ConfigurationException"/> thrown for bad input.</param>
    public static TrustPolicyDocument Parse(string json, string source) => TrustPolicyReader.Read(json, source);

    /// <summary>Whether STS allows AssumeRoleWithWebIdentity with the pod's projected ServiceAccount token.</summary>
    /// <param name="issuerUrl">The cluster's OIDC issuer: the token's <c>iss</c>.</param>
    /// <param name="audience">The token's <c>aud</c>, normally <c>sts.amazonaws.com</c>.</param>
    public static TrustPolicyResult CheckWebIdentity(
        TrustPolicyDocument policy, string issuerUrl, string @namespace, string serviceAccount, string audience)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var provider = ProviderId(issuerUrl);
        var subject = $"system:serviceaccount:{@namespace}:{serviceAccount}";
        var request = new Request(
            $"AssumeRoleWithWebIdentity for {subject} (aud {audience})",
            [WebIdentityAction],
            statement => MatchFederated(statement, provider, issuerUrl),
            key => WebIdentityKey(key, provider, subject, audience));

        var (result, allowing) = Evaluate(policy, request);
        var warnings = result.Warnings.ToList();
        foreach (var statement in allowing)
        {
            if (!HasConditionOn(statement, provider + ":sub"))
            {
                warnings.Add($"{statement.Label} has no condition on {provider}:sub: every ServiceAccount in the cluster can assume the role");
            }

            if (!HasConditionOn(statement, provider + ":aud"))
            {
                warnings.Add($"{statement.Label} has no condition on {provider}:aud: tokens for any audience registered on the OIDC provider can assume the role");
            }
        }

        return result with { Warnings = warnings };
    }

    /// <summary>Whether EKS Pod Identity may assume the role: AssumeRole and TagSession by <c>pods.eks.amazonaws.com</c>.</summary>
    public static TrustPolicyResult CheckPodIdentity(TrustPolicyDocument policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var request = new Request(
            $"{AssumeRoleAction} and {TagSessionAction} by {PodIdentityService} (EKS Pod Identity)",
            [AssumeRoleAction, TagSessionAction],
            MatchPodIdentityService,
            key => ProviderKeyPrefix(key) is null ? Unknown : Absent);
        return Evaluate(policy, request).Result;
    }

    /// <summary>The minimal trust policy for IRSA: the issuer's OIDC provider, StringEquals on <c>:sub</c> and <c>:aud</c>.</summary>
    /// <param name="accountId">The account holding the OIDC provider; null or empty writes <see cref="AccountPlaceholder"/>.</param>
    public static string RequiredWebIdentityPolicy(
        string issuerUrl, string? accountId, string @namespace, string serviceAccount, string audience)
    {
        var provider = ProviderId(issuerUrl);
        var account = string.IsNullOrWhiteSpace(accountId) ? AccountPlaceholder : accountId.Trim();
        return WritePolicy(json =>
        {
            json.WriteStartObject("Principal");
            json.WriteString("Federated", $"arn:{Partition(provider)}:iam::{account}:{ProviderResource}{provider}");
            json.WriteEndObject();
            json.WriteString("Action", WebIdentityAction);
            json.WriteStartObject("Condition");
            json.WriteStartObject("StringEquals");
            json.WriteString($"{provider}:sub", $"system:serviceaccount:{@namespace}:{serviceAccount}");
            json.WriteString($"{provider}:aud", audience);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    /// <summary>The minimal trust policy for EKS Pod Identity.</summary>
    public static string RequiredPodIdentityPolicy() => WritePolicy(json =>
    {
        json.WriteStartObject("Principal");
        json.WriteString("Service", PodIdentityService);
        json.WriteEndObject();
        json.WriteStartArray("Action");
        json.WriteStringValue(AssumeRoleAction);
        json.WriteStringValue(TagSessionAction);
        json.WriteEndArray();
    });

    /// <summary>IAM's wildcard match: <c>*</c> any run of characters, <c>?</c> one character.</summary>
    public static bool WildcardMatches(string pattern, string text, bool ignoreCase)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || SameChar(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>The issuer as IAM names its OIDC provider: the URL without scheme and trailing slash.</summary>
    public static string ProviderId(string issuerUrl)
    {
        ArgumentNullException.ThrowIfNull(issuerUrl);
        var id = issuerUrl.Trim();
        var scheme = id.IndexOf("://", StringComparison.Ordinal);
        id = (scheme >= 0 ? id[(scheme + 3)..] : id).TrimEnd('/');
        return id.Length > 0 ? id : throw new ArgumentException("The issuer URL is empty.", nameof(issuerUrl));
    }

    private static bool SameChar(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    private static string Partition(string provider)
    {
        var host = provider.Split('/')[0];
        if (host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase))
        {
            return "aws-cn";
        }

        return host.Contains(".us-gov-", StringComparison.OrdinalIgnoreCase) ? "aws-us-gov" : "aws";
    }

    private static string WritePolicy(Action<Utf8JsonWriter> statementBody)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            json.WriteStartObject();
            json.WriteString("Version", PolicyVersion);
            json.WriteStartArray("Statement");
            json.WriteStartObject();
            json.WriteString("Effect", nameof(TrustPolicyEffect.Allow));
            statementBody(json);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static PrincipalCheck MatchFederated(TrustPolicyStatement statement, string provider, string issuerUrl)
    {
        if (statement.AnyPrincipal)
        {
            return new PrincipalCheck(true, null, null, $"{statement.Label} has Principal \"*\": it trusts every principal, not only the cluster's OIDC provider");
        }

        if (!statement.Principals.TryGetValue("Federated", out var federated) || federated.Count == 0)
        {
            return PrincipalCheck.Fail(
                $"Principal: {Describe(statement.Principals)} names no Federated OIDC provider; issuer {issuerUrl} needs "
                + $"arn:{Partition(provider)}:iam::{AccountPlaceholder}:{ProviderResource}{provider}");
        }

        foreach (var arn in federated)
        {
            if (arn == "*")
            {
                return new PrincipalCheck(true, null, null, $"{statement.Label} has Federated \"*\": it trusts every identity provider");
            }

            if (TryParseProviderArn(arn, out var account, out var id) && SameProvider(id, provider))
            {
                return new PrincipalCheck(true, null, account, null);
            }
        }

        return PrincipalCheck.Fail(federated.Count == 1
            ? $"Principal: {federated[0]} is not the provider of issuer {issuerUrl}"
            : $"Principal: none of {string.Join(", ", federated)} is the provider of issuer {issuerUrl}");
    }

    private static PrincipalCheck MatchPodIdentityService(TrustPolicyStatement statement)
    {
        if (statement.AnyPrincipal)
        {
            return new PrincipalCheck(true, null, null, $"{statement.Label} has Principal \"*\": it trusts every principal, not only {PodIdentityService}");
        }

        return statement.Principals.TryGetValue("Service", out var services)
            && services.Any(s => string.Equals(s, PodIdentityService, StringComparison.OrdinalIgnoreCase))
            ? new PrincipalCheck(true, null, null, null)
            : PrincipalCheck.Fail($"Principal: {Describe(statement.Principals)} is not the service {PodIdentityService}");
    }

    private static string Describe(IReadOnlyDictionary<string, IReadOnlyList<string>> principals) =>
        principals.Count == 0 ? "(none)" : string.Join("; ", principals.Select(p => $"{p.Key} {string.Join(", ", p.Value)}"));

    private static bool TryParseProviderArn(string arn, out string account, out string id)
    {
        var parts = arn.Split(':', 6);
        if (parts is ["arn", _, "iam", "", var accountPart, var resource]
            && resource.StartsWith(ProviderResource, StringComparison.Ordinal))
        {
            account = accountPart;
            id = resource[ProviderResource.Length..];
            return true;
        }

        account = id = "";
        return false;
    }

    /// <summary>Host compared case-insensitively, path exactly.</summary>
    private static bool SameProvider(string a, string b)
    {
        var slashA = a.IndexOf('/', StringComparison.Ordinal);
        var slashB = b.IndexOf('/', StringComparison.Ordinal);
        var hostA = slashA < 0 ? a : a[..slashA];
        var hostB = slashB < 0 ? b : b[..slashB];
        var pathA = slashA < 0 ? "" : a[slashA..].TrimEnd('/');
        var pathB = slashB < 0 ? "" : b[slashB..].TrimEnd('/');
        return string.Equals(hostA, hostB, StringComparison.OrdinalIgnoreCase) && string.Equals(pathA, pathB, StringComparison.Ordinal);
    }

    /// <summary>The provider part of <c>provider:claim</c> when it names an identity provider (has a dot), else null.</summary>
    private static string? ProviderKeyPrefix(string key)
    {
        var colon = key.LastIndexOf(':');
        return colon > 0 && key.AsSpan(0, colon).Contains('.') ? key[..colon] : null;
    }

    private static ContextValue WebIdentityKey(string key, string provider, string subject, string audience)
    {
        if (ProviderKeyPrefix(key) is not { } prefix)
        {
            return Unknown;
        }

        if (!prefix.Equals(provider, StringComparison.OrdinalIgnoreCase))
        {
            return Absent;
        }

        var claim = key[(prefix.Length + 1)..];
        if (claim.Equals("sub", StringComparison.OrdinalIgnoreCase))
        {
            return new ContextValue(KeyState.Present, subject);
        }

        return claim.Equals("aud", StringComparison.OrdinalIgnoreCase) ? new ContextValue(KeyState.Present, audience) : Unknown;
    }

    private static ContextValue Unknown => new(KeyState.Unknown, null);

    private static ContextValue Absent => new(KeyState.Absent, null);

    private static bool HasConditionOn(TrustPolicyStatement statement, string key) =>
        statement.Conditions.Any(c => c.Key.Equals(key, StringComparison.OrdinalIgnoreCase));
}
