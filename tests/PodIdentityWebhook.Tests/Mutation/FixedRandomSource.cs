using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Tests.Mutation;

/// <summary>
/// Returns the case's <c>random</c> value, after checking the caller asked for a range that
/// contains it; a case that does not expect randomness fails if the core asks for any.
/// </summary>
internal sealed class FixedRandomSource(long? value) : IRandomSource
{
    public long NextInclusive(long minInclusive, long maxInclusive)
    {
        if (value is not { } fixedValue)
        {
            throw new InvalidOperationException(
                $"the mutation asked for a random value in [{minInclusive}, {maxInclusive}] but the case sets no 'random'");
        }

        if (fixedValue < minInclusive || fixedValue > maxInclusive)
        {
            throw new InvalidOperationException(
                $"the case's random value {fixedValue} is outside the requested range [{minInclusive}, {maxInclusive}]");
        }

        return fixedValue;
    }
}
