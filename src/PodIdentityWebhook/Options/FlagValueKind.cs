namespace PodIdentityWebhook.Options;

/// <summary>What a flag takes; decides whether a bare flag is complete and how help names the value.</summary>
internal enum FlagValueKind
{
    /// <summary>Bare <c>--flag</c> means true; a value only with <c>--flag=value</c>.</summary>
    Bool,

    /// <summary>A Go integer (decimal, or 0x / 0o / 0b / leading-0 octal).</summary>
    Int,

    /// <summary>Any text, including empty.</summary>
    String,

    /// <summary>Comma-separated list; repeating the flag appends, like pflag's StringSlice.</summary>
    StringList,

    /// <summary>Go duration syntax: <c>100ms</c>, <c>1m30s</c>.</summary>
    Duration,
}
