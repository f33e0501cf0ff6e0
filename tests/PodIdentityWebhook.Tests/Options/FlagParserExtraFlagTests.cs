using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class FlagParserExtraFlagTests
{
    private static readonly FlagDefinition[] ExplainFlags =
    [
        FlagDefinition.Extra("pod", FlagValueKind.String, "Pod manifest to explain"),
        FlagDefinition.Extra("output", FlagValueKind.String, "yaml or json", "yaml", v => v is "yaml" or "json" ? null : "must be yaml or json"),
        FlagDefinition.Extra("diff", FlagValueKind.Bool, "Show only the changes", "false"),
    ];

    [Fact]
    public void Subcommand_flags_and_webhook_flags_parse_together()
    {
        var result = FlagParser.Parse(
            ["explain", "--pod", "pod.yaml", "--service-accounts-file=sa.yaml", "-output=json", "--diff"], ExplainFlags);

        Assert.Null(result.Error);
        Assert.Equal(["explain"], result.Positionals);
        Assert.Equal("sa.yaml", result.Options!.ServiceAccountsFile);
        Assert.Equal("pod.yaml", result.Extras["pod"]);
        Assert.Equal("json", result.Extras["output"]);
        Assert.Equal("true", result.Extras["diff"]);
    }

    [Fact]
    public void Absent_extra_flags_have_their_defaults()
    {
        var result = FlagParser.Parse(["explain"], ExplainFlags);

        Assert.Equal("", result.Extras["pod"]);
        Assert.Equal("yaml", result.Extras["output"]);
        Assert.Equal("false", result.Extras["diff"]);
    }

    [Theory]
    [InlineData("--diff=T", "true")]
    [InlineData("--diff=0", "false")]
    public void Extra_boolean_is_normalised(string arg, string expected) =>
        Assert.Equal(expected, FlagParser.Parse([arg], ExplainFlags).Extras["diff"]);

    [Fact]
    public void Extra_flag_validation_error_names_the_flag() =>
        Assert.Equal(
            "invalid value \"xml\" for flag --output: must be yaml or json",
            FlagParser.Parse(["explain", "--output", "xml"], ExplainFlags).Error);

    [Fact]
    public void Extra_boolean_with_bad_value_is_an_error() =>
        Assert.Equal(
            "invalid value \"maybe\" for flag --diff: must be a boolean (true or false)",
            FlagParser.Parse(["--diff=maybe"], ExplainFlags).Error);

    [Fact]
    public void Extra_flag_at_the_end_without_value_is_an_error() =>
        Assert.Equal("flag needs an argument: --pod", FlagParser.Parse(["explain", "--pod"], ExplainFlags).Error);

    [Fact]
    public void Without_registration_extra_flags_are_unknown() =>
        Assert.Equal("unknown flag: --pod", Flags.Error("explain", "--pod", "pod.yaml"));

    [Fact]
    public void No_extra_flags_give_no_extras() => Assert.Empty(Flags.Parse("--port=1").Extras);

    [Theory]
    [InlineData("port")]
    [InlineData("h")]
    [InlineData("logtostderr")]
    public void Extra_flag_clashing_with_a_webhook_flag_is_refused(string name) =>
        Assert.Throws<ArgumentException>(() => FlagParser.Parse([], [FlagDefinition.Extra(name, FlagValueKind.String, "clash")]));

    [Fact]
    public void Extra_flag_of_another_kind_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FlagDefinition.Extra("count", FlagValueKind.Int, "not supported"));
}
