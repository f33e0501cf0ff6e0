using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class FlagParserLoggingFlagTests
{
    public static TheoryData<string> IgnoredFlags => [.. FlagTable.All.Where(f => f.IsIgnored).Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(IgnoredFlags))]
    public void Logging_flag_is_accepted_with_one_warning_naming_it(string name)
    {
        var isBool = FlagTable.All.Single(f => f.Name == name).Kind == FlagValueKind.Bool;
        var result = FlagParser.Parse(isBool ? [$"--{name}", "explain"] : [$"--{name}", "value", "explain"]);

        Assert.Null(result.Error);
        Assert.Equal(new WebhookOptions(), result.Options);
        Assert.Equal(["explain"], result.Positionals);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains($"--{name}", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_logging_flags_give_exactly_one_warning_listing_each_once()
    {
        var result = Flags.Parse(
            "--logtostderr", "--alsologtostderr=false", "-log_dir", "/tmp", "--vmodule=webhook=4",
            "-v", "2", "--logtostderr=true", "--stderrthreshold=INFO");

        Assert.Null(result.Error);
        Assert.Equal(2, result.Options!.Verbosity);
        Assert.Empty(result.Positionals);
        var warning = Assert.Single(result.Warnings);
        Assert.EndsWith("--logtostderr, --alsologtostderr, --log_dir, --vmodule, --stderrthreshold", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Logging_boolean_does_not_take_the_next_argument() =>
        Assert.Equal(["true"], Flags.Parse("--logtostderr", "true").Positionals);

    [Fact]
    public void Warning_is_kept_when_parsing_fails_later()
    {
        var result = Flags.Parse("--logtostderr", "--port=x");

        Assert.NotNull(result.Error);
        Assert.Single(result.Warnings);
    }
}
