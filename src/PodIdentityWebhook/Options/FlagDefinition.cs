namespace PodIdentityWebhook.Options;

/// <summary>
/// One command-line flag: its name, what value it takes, its default as Go would print it,
/// its help line and how a value is applied. Both parsing and <c>--help</c> read these.
/// </summary>
/// <param name="Name">Name without dashes, e.g. <c>port</c>.</param>
/// <param name="Kind">Value kind; booleans may appear bare.</param>
/// <param name="DefaultValue">Default in the flag's own syntax (<c>443</c>, <c>eks</c>, <c>1m0s</c>, <c>a,b</c>).</param>
/// <param name="Help">One-line description.</param>
/// <param name="Set">Applies a value; returns why a value is rejected, or null.</param>
internal sealed record FlagDefinition(string Name, FlagValueKind Kind, string DefaultValue, string Help, FlagSetter Set)
{
    /// <summary>One-letter alias usable as <c>-x</c> (only <c>-h</c>, as pflag gives help).</summary>
    public string? Shorthand { get; init; }

    /// <summary>Accepted for compatibility with the reference and otherwise ignored.</summary>
    public bool IsIgnored { get; init; }

    /// <summary>
    /// A flag for a subcommand (e.g. <c>explain --pod PATH</c>) parsed next to the webhook's
    /// flags. Its value lands in <see cref="FlagParseResult.Extras"/> under <paramref name="name"/>.
    /// </summary>
    /// <param name="kind"><see cref="FlagValueKind.Bool"/> or <see cref="FlagValueKind.String"/>.</param>
    /// <param name="validate">Returns why a value is rejected (e.g. "must be yaml or json"), or null.</param>
    public static FlagDefinition Extra(
        string name, FlagValueKind kind, string help, string defaultValue = "", Func<string, string?>? validate = null)
    {
        if (kind is not (FlagValueKind.Bool or FlagValueKind.String))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Extra flags are bool or string.");
        }

        return new FlagDefinition(name, kind, defaultValue, help, (state, value) =>
        {
            if (kind == FlagValueKind.Bool)
            {
                if (!GoStrconv.TryParseBool(value, out var flag))
                {
                    return FlagTable.BoolProblem;
                }

                value = flag ? "true" : "false";
            }

            var problem = validate?.Invoke(value);
            if (problem is null)
            {
                state.Extras[name] = value;
            }

            return problem;
        });
    }
}
