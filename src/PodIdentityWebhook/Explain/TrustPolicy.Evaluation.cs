namespace PodIdentityWebhook.Explain;

/// <summary>The evaluation: statements against one request, as IAM decides (explicit Deny first).</summary>
internal static partial class TrustPolicy
{
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
