namespace PodIdentityWebhook.Mutation;

/// <summary>The process-wide thread-safe random generator.</summary>
internal sealed class SharedRandomSource : IRandomSource
{
    public static readonly SharedRandomSource Instance = new();

    public long NextInclusive(long minInclusive, long maxInclusive) =>
        Random.Shared.NextInt64(minInclusive, maxInclusive + 1);
}
