namespace PodIdentityWebhook.Mutation;

/// <summary>Randomness injected into the mutation core so tests are deterministic.</summary>
internal interface IRandomSource
{
    /// <summary>A uniformly distributed value in [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>].</summary>
    long NextInclusive(long minInclusive, long maxInclusive);
}
