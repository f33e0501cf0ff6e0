namespace PodIdentityWebhook.Mutation;

/// <summary>The decision for one container or init container.</summary>
/// <param name="AddedEnv">Names of the variables added, in order.</param>
/// <param name="MountAdded">Whether the token volume mount was added.</param>
internal sealed record ContainerDecision(
    string Name,
    bool IsInit,
    ContainerOutcome Outcome,
    IReadOnlyList<string> AddedEnv,
    bool MountAdded);
