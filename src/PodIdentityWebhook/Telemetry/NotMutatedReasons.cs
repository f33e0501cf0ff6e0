namespace PodIdentityWebhook.Telemetry;

/// <summary>
/// Why a pod in a review was left without a patch: the <c>reason</c> label of
/// <c>pod_identity_webhook_pod_not_mutated_count</c>. A fixed set, so no review can add series.
/// </summary>
internal static class NotMutatedReasons
{
    /// <summary>The review's object is not a pod the webhook can read.</summary>
    public const string InvalidPod = "invalid_pod";

    /// <summary>The pod's ServiceAccount is not known (after any lookup grace period).</summary>
    public const string ServiceAccountNotFound = "service_account_not_found";

    /// <summary>The ServiceAccount has no role annotation, ConfigMap entry or container-credentials entry.</summary>
    public const string NoIdentity = "no_identity";

    /// <summary>The pod already has everything the webhook would add (a reinvocation).</summary>
    public const string AlreadyMutated = "already_mutated";

    /// <summary>The pod cannot be patched (a field of the wrong type, a patch over the cap): refused.</summary>
    public const string Refused = "refused";

    /// <summary>Every reason, for the zero each series starts at.</summary>
    public static IReadOnlyList<string> All { get; } = [InvalidPod, ServiceAccountNotFound, NoIdentity, AlreadyMutated, Refused];
}
