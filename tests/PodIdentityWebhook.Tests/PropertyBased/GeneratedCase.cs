using System.Buffers;
using System.Text;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.PropertyBased;

/// <summary>
/// One generated input of the mutation core: a pod, an identity and the flags that matter,
/// plus what the generator knows the answer must respect (which containers are skipped).
/// <see cref="ToString"/> is what FsCheck prints for a counterexample, so it shows it all.
/// </summary>
internal sealed class GeneratedCase(string podJson, PodIdentity identity, string awsDefaultRegion, IReadOnlyList<string> skippedContainers)
{
    public string PodJson { get; } = podJson;

    public PodIdentity Identity { get; } = identity;

    public string AwsDefaultRegion { get; } = awsDefaultRegion;

    /// <summary>Names the skip-containers annotation lists, when it is well-formed; empty otherwise.</summary>
    public IReadOnlyList<string> SkippedContainers { get; } = skippedContainers;

    /// <summary>Runs the mutation core over <paramref name="podJson"/> (the case's pod by default).</summary>
    public (MutationResult Result, byte[] Patch) Mutate(string? podJson = null)
    {
        var mutator = new PodMutator(
            MutationSettings.From(new WebhookOptions { AwsDefaultRegion = AwsDefaultRegion }), FixedRandomSource.LowerBound);
        using var pod = PartialJsonDocument.Parse(Encoding.UTF8.GetBytes(podJson ?? PodJson), ReviewShapes.Pod, AdmissionReviewHandler.MaxDepth);
        var patch = new ArrayBufferWriter<byte>();
        var result = mutator.Mutate(pod.RootElement, Identity, patch);
        return (result, patch.WrittenSpan.ToArray());
    }

    public override string ToString() =>
        $"""

        identity: {Identity}
        --aws-default-region: "{AwsDefaultRegion}"
        skipped: [{string.Join(", ", SkippedContainers)}]
        pod: {PodJson}
        """;
}
