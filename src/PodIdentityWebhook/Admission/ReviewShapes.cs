using PodIdentityWebhook.Mutation;
using static PodIdentityWebhook.Mutation.JsonShape;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// Every member of a review the webhook reads, and nothing else: the envelope (ReviewEnvelope),
/// the pod's names (PodRequest), and what the mutation looks at (Mutation/PodMutator,
/// Mutation/WindowsPods). Whatever else a review holds (the user, the pod's images,
/// resources, probes, managed fields) is read past without being kept. A member read
/// anywhere must be named here, or it reads as absent.
/// </summary>
internal static class ReviewShapes
{
    private static readonly JsonShape Named = Object(("name", Value));

    private static readonly JsonShape Container = Object(("name", Value), ("env", ArrayOf(Named)), ("volumeMounts", ArrayOf(Named)));

    /// <summary>A pod as the mutation reads it.</summary>
    public static JsonShape Pod { get; } = Object(
        ("kind", Value),
        ("metadata", Object(("name", Value), ("generateName", Value), ("namespace", Value), ("annotations", Whole), ("labels", Whole))),
        ("spec", Object(
            ("serviceAccountName", Value),
            ("nodeSelector", Whole),
            ("affinity", Object(("nodeAffinity", Object(("requiredDuringSchedulingIgnoredDuringExecution", Object(("nodeSelectorTerms", Whole))))))),
            ("volumes", ArrayOf(Named)),
            ("initContainers", ArrayOf(Container)),
            ("containers", ArrayOf(Container)))));

    /// <summary>An AdmissionReview of a pod.</summary>
    public static JsonShape Review { get; } = Object(
        ("apiVersion", Value),
        ("kind", Value),
        ("request", Object(("uid", Value), ("namespace", Value), ("kind", Object(("kind", Value))), ("object", Pod))));
}
