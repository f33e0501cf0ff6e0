namespace PodIdentityWebhook.Options;

/// <summary>
/// Outcome of <see cref="FlagParser.Parse"/>. Exactly one of these holds: <see cref="Error"/>
/// is set; <see cref="HelpRequested"/>; <see cref="VersionRequested"/>; or <see cref="Options"/>
/// is ready to use.
/// </summary>
internal sealed record FlagParseResult
{
    /// <summary>Validated options; null when parsing failed or help was requested.</summary>
    public WebhookOptions? Options { get; init; }

    /// <summary>Why startup must stop, naming the flag; null on success.</summary>
    public string? Error { get; init; }

    public bool HelpRequested { get; init; }

    public bool VersionRequested { get; init; }

    /// <summary>Messages to log at startup (at most one, for ignored logging flags).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Non-flag arguments in order, including everything after <c>--</c>.</summary>
    public IReadOnlyList<string> Positionals { get; init; } = [];

    /// <summary>
    /// Values of the caller's extra flags by name (without dashes): the given value, or the
    /// flag's default when absent. Booleans are "true" or "false".
    /// </summary>
    public IReadOnlyDictionary<string, string> Extras { get; init; } = new Dictionary<string, string>();
}
