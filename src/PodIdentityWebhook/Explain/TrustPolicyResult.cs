namespace PodIdentityWebhook.Explain;

/// <summary>What STS would decide for the request.</summary>
internal enum TrustPolicyDecision
{
    Allowed,
    Denied,

    /// <summary>The outcome hangs on a statement the checker does not evaluate (NotPrincipal, NotAction, an unknown operator or key).</summary>
    Undetermined,
}

/// <summary>How one statement relates to the request.</summary>
internal enum StatementOutcome
{
    Matches,
    DoesNotMatch,
    NotEvaluated,
}

/// <summary>The checker's finding for one statement.</summary>
/// <param name="Failure">
/// For <see cref="StatementOutcome.DoesNotMatch"/>, the first clause that fails (Principal, Action,
/// Condition); for <see cref="StatementOutcome.NotEvaluated"/>, what was not evaluated; otherwise null.
/// </param>
/// <param name="ProviderAccount">The account of the OIDC provider ARN the statement trusts, when the Principal matched one.</param>
internal sealed record StatementVerdict(
    int Index,
    string? Sid,
    TrustPolicyEffect Effect,
    StatementOutcome Outcome,
    string? Failure,
    string? ProviderAccount)
{
    /// <summary>The statement applies to the request: for Allow it grants it, for Deny it refuses it.</summary>
    public bool Matched => Outcome == StatementOutcome.Matches;
}

/// <summary>Whether STS would let the pod assume the role under a trust policy, and why.</summary>
/// <param name="Summary">One line: the decision and the statement or clause that decided it.</param>
/// <param name="Statements">One verdict per statement, in document order.</param>
/// <param name="Warnings">Risks in the statements that allow the request, and statements not evaluated.</param>
internal sealed record TrustPolicyResult(
    TrustPolicyDecision Decision,
    string Summary,
    IReadOnlyList<StatementVerdict> Statements,
    IReadOnlyList<string> Warnings)
{
    /// <summary>STS would allow the request.</summary>
    public bool Allowed => Decision == TrustPolicyDecision.Allowed;
}
