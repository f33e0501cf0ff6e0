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
internal static class TrustPolicy
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

    private static (TrustPolicyResult Result, List<TrustPolicyStatement> Allowing) Evaluate(TrustPolicyDocument policy, Request request)
    {
        var verdicts = new List<StatementVerdict>();
        var findings = new List<Finding>();
        var warnings = new List<string>();
        foreach (var statement in policy.Statements)
        {
            var finding = Examine(statement, request);
            findings.Add(finding);
            verdicts.Add(new StatementVerdict(
                statement.Index, statement.Sid, statement.Effect, finding.Outcome, finding.Failure, finding.Principal.Account));
            if (finding.Outcome == StatementOutcome.NotEvaluated)
            {
                warnings.Add($"{statement.Label} was not evaluated: {finding.Failure}");
            }
        }

        var allowing = findings
            .Where(f => f.Statement.Effect == TrustPolicyEffect.Allow && f.Outcome == StatementOutcome.Matches)
            .ToList();
        var what = request.What;
        var deny = findings.FirstOrDefault(f => f.Statement.Effect == TrustPolicyEffect.Deny && f.Outcome == StatementOutcome.Matches);
        if (deny is not null)
        {
            return (Result(TrustPolicyDecision.Denied, $"STS would deny {what}: {deny.Statement.Label} explicitly denies it"), []);
        }

        var uncovered = request.Actions.Where(a => !findings.Any(f => f.Allows(a))).ToList();
        var unevaluated = findings.FirstOrDefault(f => f.Outcome == StatementOutcome.NotEvaluated
            && (f.Statement.Effect == TrustPolicyEffect.Deny) == (uncovered.Count == 0));
        if (unevaluated is not null)
        {
            return (Result(
                TrustPolicyDecision.Undetermined,
                $"STS may or may not allow {what}: {unevaluated.Statement.Label} was not evaluated ({unevaluated.Failure})"), []);
        }

        if (uncovered.Count == 0)
        {
            var grants = allowing.Count > 0
                ? Grant(allowing[0])
                : string.Join(", ", request.Actions.Select(a => $"{findings.First(f => f.Allows(a)).Statement.Label} allows {a}"));
            foreach (var finding in findings.Where(f => request.Actions.Any(f.Allows)))
            {
                if (finding.Principal.Warning is { } warning)
                {
                    warnings.Add(warning);
                }
            }

            return (Result(TrustPolicyDecision.Allowed, $"STS would allow {what}: {grants}"), [.. allowing.Select(f => f.Statement)]);
        }

        var candidates = findings.Where(f => f.Statement.Effect == TrustPolicyEffect.Allow).ToList();
        if (candidates.Count == 0)
        {
            return (Result(TrustPolicyDecision.Denied, $"STS would deny {what}: no statement has Effect Allow"), []);
        }

        var closest = candidates.OrderByDescending(f => f.Stage).ThenBy(f => f.Statement.Index).First();
        var missing = uncovered.Count == request.Actions.Count ? "it" : string.Join(" and ", uncovered);
        return (Result(
            TrustPolicyDecision.Denied,
            $"STS would deny {what}: no statement allows {missing}; {closest.Statement.Label}: {closest.Failure}"), []);

        TrustPolicyResult Result(TrustPolicyDecision decision, string summary) => new(decision, summary, verdicts, warnings);

        static string Grant(Finding finding) => finding.Principal.Account is { } account
            ? $"{finding.Statement.Label} allows it (OIDC provider in account {account})"
            : $"{finding.Statement.Label} allows it";
    }

    private static Finding Examine(TrustPolicyStatement statement, Request request)
    {
        if (statement.HasNotPrincipal)
        {
            return new Finding(statement, StatementOutcome.NotEvaluated, "NotPrincipal is not evaluated", 0, default, []);
        }

        var principal = request.Principal(statement);
        if (!principal.Matches)
        {
            return new Finding(statement, StatementOutcome.DoesNotMatch, principal.Failure, 0, principal, []);
        }

        if (statement.HasNotAction)
        {
            return new Finding(statement, StatementOutcome.NotEvaluated, "NotAction is not evaluated", 1, principal, []);
        }

        var covered = request.Actions
            .Where(a => statement.Actions.Any(pattern => WildcardMatches(pattern, a, ignoreCase: true)))
            .ToList();
        var missing = request.Actions.Except(covered).ToList();
        if (covered.Count == 0 || (missing.Count > 0 && statement.Effect == TrustPolicyEffect.Allow))
        {
            var failure = $"Action: {string.Join(", ", statement.Actions)} does not cover {string.Join(" and ", missing)}";
            var (outcome, _) = EvaluateConditions(statement, request);
            return new Finding(statement, StatementOutcome.DoesNotMatch, failure, 1, principal, outcome == StatementOutcome.Matches ? covered : []);
        }

        var (conditionOutcome, conditionFailure) = EvaluateConditions(statement, request);
        return new Finding(statement, conditionOutcome, conditionFailure, 2, principal, covered);
    }

    private static (StatementOutcome Outcome, string? Failure) EvaluateConditions(TrustPolicyStatement statement, Request request)
    {
        string? notEvaluated = null;
        foreach (var condition in statement.Conditions)
        {
            var (outcome, failure) = EvaluateCondition(condition, request.Context(condition.Key));
            if (outcome == StatementOutcome.DoesNotMatch)
            {
                return (outcome, failure);
            }

            if (outcome == StatementOutcome.NotEvaluated)
            {
                notEvaluated ??= failure;
            }
        }

        return notEvaluated is null ? (StatementOutcome.Matches, null) : (StatementOutcome.NotEvaluated, notEvaluated);
    }

    private static (StatementOutcome Outcome, string? Failure) EvaluateCondition(TrustPolicyCondition condition, ContextValue context)
    {
        var name = condition.Operator;
        var forAll = false;
        var forAny = false;
        if (name.StartsWith("ForAllValues:", StringComparison.OrdinalIgnoreCase))
        {
            forAll = true;
            name = name["ForAllValues:".Length..];
        }
        else if (name.StartsWith("ForAnyValue:", StringComparison.OrdinalIgnoreCase))
        {
            forAny = true;
            name = name["ForAnyValue:".Length..];
        }

        var ifExists = name.EndsWith("IfExists", StringComparison.OrdinalIgnoreCase);
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }

        var clause = $"Condition {condition.Operator} {condition.Key}";
        var isNull = name.Equals("Null", StringComparison.OrdinalIgnoreCase);
        StringOperator? op = name.ToUpperInvariant() switch
        {
            "STRINGEQUALS" => new StringOperator(Negated: false, Like: false, IgnoreCase: false),
            "STRINGNOTEQUALS" => new StringOperator(Negated: true, Like: false, IgnoreCase: false),
            "STRINGEQUALSIGNORECASE" => new StringOperator(Negated: false, Like: false, IgnoreCase: true),
            "STRINGNOTEQUALSIGNORECASE" => new StringOperator(Negated: true, Like: false, IgnoreCase: true),
            "STRINGLIKE" => new StringOperator(Negated: false, Like: true, IgnoreCase: false),
            "STRINGNOTLIKE" => new StringOperator(Negated: true, Like: true, IgnoreCase: false),
            _ => null,
        };
        if ((op is null && !isNull) || (isNull && (forAll || forAny || ifExists)))
        {
            return (StatementOutcome.NotEvaluated, $"{clause}: the operator {condition.Operator} is not evaluated");
        }

        if (context.State == KeyState.Unknown)
        {
            return (StatementOutcome.NotEvaluated, $"{clause}: the value of {condition.Key} is not known to the checker");
        }

        var present = context.State == KeyState.Present;
        if (isNull)
        {
            var holds = condition.Values.Any(v => bool.TryParse(v, out var absent) && absent != present);
            return holds
                ? (StatementOutcome.Matches, null)
                : (StatementOutcome.DoesNotMatch, present ? $"{clause}: the request has the key" : $"{clause}: the request has no such key");
        }

        if (!present)
        {
            return ifExists || forAll || op!.Negated
                ? (StatementOutcome.Matches, null)
                : (StatementOutcome.DoesNotMatch, $"{clause}: the request has no such key");
        }

        var actual = context.Value!;
        var matching = condition.Values.FirstOrDefault(v => op!.Compare(v, actual));
        var expected = string.Join(" or ", condition.Values.Select(v => $"\"{v}\""));
        if (op!.Negated)
        {
            return matching is null
                ? (StatementOutcome.Matches, null)
                : (StatementOutcome.DoesNotMatch, $"{clause}: \"{actual}\" matches \"{matching}\", which the operator excludes");
        }

        return matching is not null
            ? (StatementOutcome.Matches, null)
            : (StatementOutcome.DoesNotMatch, $"{clause}: {expected} does not match \"{actual}\"");
    }

    private sealed record Request(
        string What,
        IReadOnlyList<string> Actions,
        Func<TrustPolicyStatement, PrincipalCheck> Principal,
        Func<string, ContextValue> Context);

    private readonly record struct ContextValue(KeyState State, string? Value);

    private readonly record struct PrincipalCheck(bool Matches, string? Failure, string? Account, string? Warning)
    {
        public static PrincipalCheck Fail(string failure) => new(false, failure, null, null);
    }

    private sealed record StringOperator(bool Negated, bool Like, bool IgnoreCase)
    {
        public bool Compare(string pattern, string actual) => Like
            ? WildcardMatches(pattern, actual, ignoreCase: false)
            : string.Equals(pattern, actual, IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    /// <summary>One statement examined; <paramref name="Stage"/> is how far it got (0 Principal, 1 Action, 2 Condition).</summary>
    /// <param name="Granted">The request's actions this statement grants or refuses, principal and conditions holding.</param>
    private sealed record Finding(
        TrustPolicyStatement Statement,
        StatementOutcome Outcome,
        string? Failure,
        int Stage,
        PrincipalCheck Principal,
        IReadOnlyList<string> Granted)
    {
        public bool Allows(string action) =>
            Statement.Effect == TrustPolicyEffect.Allow && Granted.Contains(action) && Outcome != StatementOutcome.NotEvaluated
            && (Outcome == StatementOutcome.Matches || Stage == 1);
    }
}
