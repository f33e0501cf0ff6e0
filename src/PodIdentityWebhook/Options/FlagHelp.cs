namespace PodIdentityWebhook.Options;

/// <summary>The <c>--help</c> text, generated from <see cref="FlagTable.All"/>.</summary>
internal static class FlagHelp
{
    /// <param name="extraFlags">A subcommand's flags, listed in their own section.</param>
    public static void Write(TextWriter writer, IReadOnlyList<FlagDefinition>? extraFlags = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        extraFlags ??= [];

        var shown = FlagTable.All.Where(f => !f.IsIgnored).ToList();
        var width = shown.Concat(extraFlags).Max(f => Signature(f).Length) + 2;

        writer.WriteLine("Usage: PodIdentityWebhook [flags]");
        writer.WriteLine();
        writer.WriteLine("Give values as --flag=value or --flag value (one dash works too); a bare boolean flag means true.");
        writer.WriteLine();
        writer.WriteLine("Flags:");
        WriteFlags(writer, shown, width);
        if (extraFlags.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine("Command flags:");
            WriteFlags(writer, extraFlags, width);
        }

        writer.WriteLine();
        var ignored = FlagTable.All.Where(f => f.IsIgnored).Select(f => "--" + f.Name);
        writer.WriteLine($"Accepted and ignored (logging flags of the reference): {string.Join(", ", ignored)}");
    }

    /// <summary>A subcommand's help: its usage, its own flags, then the webhook flags it also reads.</summary>
    public static void WriteCommand(TextWriter writer, string usage, IReadOnlyList<FlagDefinition> commandFlags, IReadOnlyCollection<string> sharedFlagNames)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var shared = FlagTable.All.Where(f => sharedFlagNames.Contains(f.Name)).ToList();
        var width = commandFlags.Concat(shared).Max(f => Signature(f).Length) + 2;
        writer.WriteLine(usage);
        writer.WriteLine();
        writer.WriteLine("Flags:");
        WriteFlags(writer, commandFlags, width);
        writer.WriteLine();
        writer.WriteLine("Webhook flags it also reads (they shape the answer as they shape the webhook's patch):");
        WriteFlags(writer, shared, width);
    }

    /// <summary>Default as pflag prints it: strings quoted, lists in brackets.</summary>
    public static string DisplayDefault(FlagDefinition flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return flag.Kind switch
        {
            FlagValueKind.String => $"\"{flag.DefaultValue}\"",
            FlagValueKind.StringList => $"[{flag.DefaultValue}]",
            _ => flag.DefaultValue,
        };
    }

    private static void WriteFlags(TextWriter writer, IEnumerable<FlagDefinition> flags, int width)
    {
        foreach (var flag in flags)
        {
            writer.WriteLine($"  {Signature(flag).PadRight(width)}{flag.Help} (default {DisplayDefault(flag)})");
        }
    }

    private static string Signature(FlagDefinition flag)
    {
        var names = flag.Shorthand is null ? $"    --{flag.Name}" : $"-{flag.Shorthand}, --{flag.Name}";
        var value = flag.Kind switch
        {
            FlagValueKind.Bool => "",
            FlagValueKind.Int => " int",
            FlagValueKind.String => " string",
            FlagValueKind.StringList => " strings",
            FlagValueKind.Duration => " duration",
            _ => throw new ArgumentOutOfRangeException(nameof(flag), flag.Kind, null),
        };
        return names + value;
    }
}
