using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// Randomness a test fixes. A mutation case's source returns the case's <c>random</c> value,
/// after checking the caller asked for a range that contains it, and fails when the case sets
/// none (it expects no randomness); <see cref="LowerBound"/> always answers the range's lower
/// bound, so a generated case replays the same way every time.
/// </summary>
internal sealed class FixedRandomSource : IRandomSource
{
    public static readonly FixedRandomSource LowerBound = new(value: null, lowerBound: true);

    private readonly long? _value;
    private readonly bool _lowerBound;

    public FixedRandomSource(long? value)
        : this(value, lowerBound: false)
    {
    }

    private FixedRandomSource(long? value, bool lowerBound)
    {
        _value = value;
        _lowerBound = lowerBound;
    }

    public long NextInclusive(long minInclusive, long maxInclusive)
    {
        if (_lowerBound)
        {
            return minInclusive;
        }

        if (_value is not { } fixedValue)
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
