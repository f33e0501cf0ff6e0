namespace PodIdentityWebhook.Mutation;

/// <summary>Everything the mutation core decided about a pod, besides the patch bytes.</summary>
/// <param name="PatchOperations">Number of JSON patch operations written; 0 means no patch.</param>
/// <param name="TokenExpiration">The lifetime used for the token volume (after annotation, floor and jitter).</param>
/// <param name="Warnings">Pod annotations that were ignored, and why.</param>
internal sealed record MutationResult(
    int PatchOperations,
    bool VolumeAdded,
    bool LabelAdded,
    bool IsWindows,
    long TokenExpiration,
    IReadOnlyList<ContainerDecision> Containers,
    IReadOnlyList<string> Warnings)
{
    public bool HasPatch => PatchOperations > 0;
}
