using System.Text.Json.Nodes;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Explain;

/// <summary>Everything explain found out about one pod.</summary>
/// <param name="Registration">The registration judged: the shipped one offline, the cluster's in live mode; null when none is registered.</param>
/// <param name="NotCalled">Why the API server would not call the webhook for this pod; null when it would.</param>
/// <param name="Mutation">Null when no identity applies or the webhook is not called.</param>
/// <param name="Pod">The pod after the patch (the input when nothing changes).</param>
/// <param name="Notes">Facts from the cluster that are not warnings (live mode).</param>
internal sealed record Explanation(
    ExplainTarget Target,
    WebhookRegistration? Registration,
    string? NotCalled,
    IdentityResolution Resolution,
    MutationResult? Mutation,
    IReadOnlyList<ContainerReport> Containers,
    JsonNode Pod,
    IReadOnlyList<ExplainFinding> Warnings,
    TrustCheck? Trust,
    IReadOnlyList<string> Notes)
{
    /// <summary>
    /// Live mode: the pod runs without the credentials the webhook would inject now (admitted
    /// before the identity existed or while the webhook was unreachable).
    /// </summary>
    public bool RunningWithoutCredentials { get; init; }

    /// <summary>At least one container gets (for a running pod: has) the pod's role from the webhook.</summary>
    public bool Injected => NotCalled is null && Resolution.Identity is not null && Containers.Any(c => c.HasCredentials) && !RunningWithoutCredentials;

    /// <summary>A trust policy was given and STS would deny this pod the role.</summary>
    public bool TrustRefused => Trust?.Result is { Decision: TrustPolicyDecision.Denied };

    /// <summary>The findings that keep injected credentials from working.</summary>
    public IEnumerable<ExplainFinding> Breaking => Warnings.Where(w => w.BreaksCredentials);

    /// <summary>Credentials are injected, and neither a finding nor the trust policy given stops them working.</summary>
    public bool Works => Injected && !TrustRefused && !Breaking.Any();

    /// <summary>
    /// A refused trust policy counts as "injected, will not work" here (that is what it is: the
    /// variables land and STS says no); the exit code keeps it apart (see ExplainCommand).
    /// </summary>
    public ExplainVerdict Verdict => !Injected ? ExplainVerdict.NotInjected : Works ? ExplainVerdict.Injected : ExplainVerdict.InjectedWillNotWork;

    /// <summary>Why nothing is injected, in one line; null when <see cref="Injected"/>.</summary>
    public string? NotInjectedReason => Injected ? null
        : NotCalled is not null ? $"the webhook is not called for this pod: {NotCalled}"
        : Resolution.Identity is null ? Resolution.Reason ?? "no identity applies"
        : RunningWithoutCredentials ? "the running pod lacks the injection; a pod created now would get it (restart it)"
        : "no container gets the role's credentials (see Containers)";
}

/// <summary>The role's trust policy against this pod, or the policy it needs.</summary>
/// <param name="Result">The check, when a policy and (for IRSA) the issuer were given.</param>
/// <param name="Required">The minimal trust policy this pod needs, as JSON.</param>
/// <param name="Note">Why the check could not run, when it could not.</param>
internal sealed record TrustCheck(TrustPolicyResult? Result, string Required, string? Note);
