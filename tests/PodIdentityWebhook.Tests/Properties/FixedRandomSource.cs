using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Tests.Properties;

/// <summary>Always the lower bound, so a case replays the same way every time.</summary>
internal sealed class FixedRandomSource : IRandomSource
{
    public static readonly FixedRandomSource Instance = new();

    public long NextInclusive(long minInclusive, long maxInclusive) => minInclusive;
}
