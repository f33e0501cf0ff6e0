using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class FlagHelpTests
{
    private static string[] HelpLines(IReadOnlyList<FlagDefinition>? extraFlags = null)
    {
        using var writer = new StringWriter();
        FlagHelp.Write(writer, extraFlags);
        return writer.ToString().Split('\n');
    }

    // "  -h, --help   Show..." -> "  -h, --help"; "  --port int   Webhook..." -> "  --port".
    private static string Signature(string line)
    {
        var names = line.TrimStart().Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(w => w.StartsWith('-'));
        return string.Join(' ', names);
    }

    public static TheoryData<string> ShownFlagNames => [.. FlagTable.All.Where(f => !f.IsIgnored).Select(f => f.Name)];

    public static TheoryData<string> IgnoredFlagNames => [.. FlagTable.All.Where(f => f.IsIgnored).Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(ShownFlagNames))]
    public void Help_lists_the_flag_with_its_help_and_default(string name)
    {
        var flag = FlagTable.All.Single(f => f.Name == name);

        var line = Assert.Single(HelpLines(), l => Signature(l).EndsWith($"--{name}", StringComparison.Ordinal));

        Assert.Contains(flag.Help, line, StringComparison.Ordinal);
        Assert.EndsWith($"(default {FlagHelp.DisplayDefault(flag)})", line, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(IgnoredFlagNames))]
    public void Help_lists_ignored_logging_flags_on_one_line(string name)
    {
        var line = Assert.Single(HelpLines(), l => l.Contains("ignored", StringComparison.Ordinal));

        Assert.Contains($"--{name}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port int", "(default 443)")]
    [InlineData("--namespace string", "(default \"eks\")")]
    [InlineData("--resync-period duration", "(default 1m0s)")]
    [InlineData("--tls-cipher-suites strings", "(default [])")]
    [InlineData("--watch-config-map ", "(default false)")]
    [InlineData("-h, --help ", "(default false)")]
    public void Help_shows_value_kind_and_default_like_pflag(string signature, string defaultText)
    {
        var line = Assert.Single(HelpLines(), l => l.Contains(signature, StringComparison.Ordinal));

        Assert.EndsWith(defaultText, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_defaults_follow_the_options_record()
    {
        var expected = $"(default {GoDuration.Format(new WebhookOptions().ResyncPeriod)})";

        Assert.Contains(HelpLines(), l => l.Contains("--resync-period", StringComparison.Ordinal) && l.EndsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Help_lists_extra_flags_in_their_own_section()
    {
        var lines = HelpLines([FlagDefinition.Extra("pod", FlagValueKind.String, "Pod manifest to explain")]);

        var section = Array.IndexOf(lines, "Command flags:");
        Assert.True(section > 0);
        Assert.Contains("--pod string", lines[section + 1], StringComparison.Ordinal);
        Assert.Contains("Pod manifest to explain", lines[section + 1], StringComparison.Ordinal);
    }
}
