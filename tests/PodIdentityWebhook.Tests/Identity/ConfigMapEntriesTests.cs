using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Identity;

public class ConfigMapEntriesTests
{
    private const string Arn = "arn:aws:iam::111122223333:role/app";

    private static ConfigMapEntries Parse(string? json, WebhookOptions? options = null)
    {
        Assert.True(ConfigMapEntries.TryParse(json, options ?? TestOptions.Default, out var entries, out var error), error);
        return entries;
    }

    [Fact]
    public void Full_entry_is_taken_as_written()
    {
        var entries = Parse("""
            {"ns/sa": {"RoleARN": "arn:aws:iam::111122223333:role/app", "Audience": "aud", "UseRegionalSTS": true, "TokenExpiration": 3600}}
            """);

        Assert.Equal(new ConfigMapEntry("ns", Arn, "aud", true, 3600), entries.Find("ns", "sa"));
    }

    [Fact]
    public void Absent_values_default_from_the_flags()
    {
        var options = new WebhookOptions { TokenAudience = "flag-aud", StsRegionalEndpoint = true, TokenExpiration = 4000 };

        var entries = Parse("""{"ns/sa": {"RoleARN": "r"}, "ns/zero": {"RoleARN": "r", "Audience": "", "TokenExpiration": 0, "UseRegionalSTS": null}}""", options);

        Assert.Equal(new ConfigMapEntry("ns", "r", "flag-aud", true, 4000), entries.Find("ns", "sa"));
        Assert.Equal(new ConfigMapEntry("ns", "r", "flag-aud", true, 4000), entries.Find("ns", "zero"));
    }

    [Fact]
    public void Explicit_false_regional_sts_overrides_the_flag()
    {
        var entries = Parse("""{"ns/sa": {"RoleARN": "r", "UseRegionalSTS": false}}""", new WebhookOptions { StsRegionalEndpoint = true });

        Assert.False(entries.Find("ns", "sa")?.UseRegionalSts);
    }

    [Theory]
    [InlineData(1, 600)]
    [InlineData(599, 600)]
    [InlineData(-1, 600)]
    [InlineData(601, 601)]
    public void Short_expiration_is_raised_to_the_minimum(long value, long expected)
    {
        var entries = Parse("""{"ns/sa": {"RoleARN": "r", "TokenExpiration": """ + value + "}}");

        Assert.Equal(expected, entries.Find("ns", "sa")?.TokenExpiration);
    }

    [Fact]
    public void Keys_match_without_regard_to_case_like_go()
    {
        var entries = Parse("""{"ns/sa": {"rolearn": "r", "AUDIENCE": "a", "useRegionalSts": true, "tokenexpiration": 700}}""");

        Assert.Equal(new ConfigMapEntry("ns", "r", "a", true, 700), entries.Find("ns", "sa"));
    }

    [Fact]
    public void Exact_namespace_wins_over_wildcard()
    {
        var entries = Parse("""{"*/sa": {"RoleARN": "wild"}, "ns/sa": {"RoleARN": "exact"}}""");

        Assert.Equal("exact", entries.Find("ns", "sa")?.RoleArn);
        Assert.Equal("wild", entries.Find("elsewhere", "sa")?.RoleArn);
        Assert.Null(entries.Find("ns", "other"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{}")]
    [InlineData("null")]
    public void Nothing_configured_means_no_entries(string? json)
    {
        Assert.Equal(0, Parse(json).Count);
    }

    [Fact]
    public void Keys_that_are_not_namespace_slash_name_and_null_values_are_skipped()
    {
        var entries = Parse("""{"sa": {"RoleARN": "r"}, "/sa": {"RoleARN": "r"}, "ns/": {"RoleARN": "r"}, "ns/null": null, "ns/ok": {"RoleARN": "r"}}""");

        Assert.Equal(1, entries.Count);
        Assert.NotNull(entries.Find("ns", "ok"));
        Assert.Equal(["sa"], entries.SkippedKeys);
    }

    [Fact]
    public void Key_with_more_than_one_slash_serves_its_first_two_parts_like_the_reference_and_is_reported()
    {
        var entries = Parse($$$"""{"ns/b/c": {"RoleARN": "{{{Arn}}}"}}""");

        Assert.Equal(Arn, entries.Find("ns", "b")?.RoleArn);
        Assert.Null(entries.Find("ns", "b/c"));
        Assert.Equal(["ns/b/c"], entries.SkippedKeys);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("""{"ns/sa": {"RoleARN": 5}}""")]
    [InlineData("""{"ns/sa": {"TokenExpiration": "3600"}}""")]
    [InlineData("""{"ns/sa": {"UseRegionalSTS": "true"}}""")]
    public void Invalid_json_is_a_parse_error(string json)
    {
        Assert.False(ConfigMapEntries.TryParse(json, TestOptions.Default, out var entries, out var error));
        Assert.Null(entries);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
