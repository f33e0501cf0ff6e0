namespace PodIdentityWebhook.Mutation;

/// <summary>What happened to one container.</summary>
internal enum ContainerOutcome
{
    /// <summary>Variables and/or the token mount were added.</summary>
    Mutated,

    /// <summary>Named in the skip-containers annotation.</summary>
    Skipped,

    /// <summary>Already has credential, region and regional-STS variables: left entirely alone.</summary>
    AlreadyConfigured,

    /// <summary>Everything the webhook would add is already there.</summary>
    NothingMissing,
}
