namespace PodIdentityWebhook.Options;

/// <summary>What the flags seen so far amount to; <see cref="FlagSetter"/>s write into it.</summary>
internal sealed class FlagParseState
{
    public WebhookOptions Options { get; set; } = new();

    public bool HelpRequested { get; set; }

    public bool VersionRequested { get; set; }

    /// <summary>Values of caller-registered flags (see <see cref="FlagDefinition.Extra"/>), by flag name.</summary>
    public Dictionary<string, string> Extras { get; } = new(StringComparer.Ordinal);

    /// <summary>Ignored reference logging flags seen, without dashes, in order of first appearance.</summary>
    public List<string> IgnoredFlags { get; } = [];
}
