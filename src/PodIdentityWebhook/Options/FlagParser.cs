namespace PodIdentityWebhook.Options;

/// <summary>
/// Parses the command line the way the reference's pflag setup does, so the same Deployment
/// args work: <c>--flag=value</c>, <c>--flag value</c>, one dash as well as two, bare booleans,
/// <c>--</c> to end flags, and flags and positionals in any order.
/// </summary>
internal static class FlagParser
{
    /// <param name="extraFlags">
    /// Flags of a subcommand (see <see cref="FlagDefinition.Extra"/>), accepted next to the
    /// webhook's; their values come back in <see cref="FlagParseResult.Extras"/>.
    /// </param>
    public static FlagParseResult Parse(IReadOnlyList<string> args, IReadOnlyList<FlagDefinition>? extraFlags = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        extraFlags ??= [];

        var flags = Index(extraFlags);
        var state = new FlagParseState();
        foreach (var extra in extraFlags)
        {
            state.Extras[extra.Name] = extra.DefaultValue;
        }

        var positionals = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                positionals.Add(arg);
                continue;
            }

            var dashes = arg.StartsWith("--", StringComparison.Ordinal) ? "--" : "-";
            var body = arg[dashes.Length..];
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            string? value = equals < 0 ? null : body[(equals + 1)..];
            if (name.Length == 0 || name[0] == '-')
            {
                return Failure(state, positionals, $"bad flag syntax: {arg}");
            }

            if (!flags.TryGetValue(name, out var flag))
            {
                // pflag reads "-v4" as the shorthand -v with an attached value.
                if (dashes == "-" && value is null && name.Length > 1 && name[0] == 'v' && name[1..].All(char.IsAsciiDigit))
                {
                    (flag, value) = (flags["v"], name[1..]);
                }
                else
                {
                    return Failure(state, positionals, $"unknown flag: {dashes}{name}");
                }
            }

            if (value is null)
            {
                if (flag.Kind == FlagValueKind.Bool)
                {
                    value = "true";
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    return Failure(state, positionals, $"flag needs an argument: --{flag.Name}");
                }
            }

            if (flag.Set(state, value) is { } problem)
            {
                return Failure(state, positionals, $"invalid value \"{value}\" for flag --{flag.Name}: {problem}");
            }

            // Like pflag: help wins over anything after it, including bad values.
            if (state.HelpRequested)
            {
                return Result(state, positionals) with { HelpRequested = true };
            }
        }

        if (state.VersionRequested)
        {
            return Result(state, positionals) with { Options = state.Options, VersionRequested = true };
        }

        if (OptionsValidator.Problem(state.Options) is { } invalid)
        {
            return Failure(state, positionals, invalid);
        }

        return Result(state, positionals) with { Options = state.Options };
    }

    private static Dictionary<string, FlagDefinition> Index(IReadOnlyList<FlagDefinition> extraFlags)
    {
        var flags = new Dictionary<string, FlagDefinition>(StringComparer.Ordinal);
        foreach (var flag in FlagTable.All.Concat(extraFlags))
        {
            if (!flags.TryAdd(flag.Name, flag) || (flag.Shorthand is { } shorthand && !flags.TryAdd(shorthand, flag)))
            {
                throw new ArgumentException($"Flag --{flag.Name} is defined twice.", nameof(extraFlags));
            }
        }

        return flags;
    }

    private static FlagParseResult Failure(FlagParseState state, List<string> positionals, string error) =>
        Result(state, positionals) with { Error = error };

    private static FlagParseResult Result(FlagParseState state, List<string> positionals) => new()
    {
        Positionals = positionals,
        Extras = state.Extras,
        Warnings = [.. Warnings(state)],
    };

    private static IEnumerable<string> Warnings(FlagParseState state)
    {
        if (state.IgnoredFlags.Count > 0)
        {
            yield return $"ignoring klog logging flags kept for compatibility with the reference; they have no effect here: {string.Join(", ", state.IgnoredFlags.Select(f => "--" + f))}";
        }

        // The reference injects whatever it is given; so does this webhook, with a word.
        var uri = state.Options.ContainerCredentialsFullUri;
        if (!(Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)))
        {
            yield return $"--container-credentials-full-uri \"{uri}\" is not an absolute http or https URI; AWS SDKs will not reach the credentials endpoint with it, but it is injected as given";
        }
    }
}
