namespace PodIdentityWebhook.Tests.Options;

public class FlagParserErrorTests
{
    [Theory]
    [InlineData("--port=abc", "invalid value \"abc\" for flag --port: must be an integer between 0 and 65535")]
    [InlineData("--port=65536", "invalid value \"65536\" for flag --port: must be an integer between 0 and 65535")]
    [InlineData("--port=-1", "invalid value \"-1\" for flag --port: must be an integer between 0 and 65535")]
    [InlineData("--port=", "invalid value \"\" for flag --port: must be an integer between 0 and 65535")]
    [InlineData("-metrics-port=1.5", "invalid value \"1.5\" for flag --metrics-port: must be an integer between 0 and 65535")]
    [InlineData("--token-expiration=abc", "invalid value \"abc\" for flag --token-expiration: must be an integer")]
    [InlineData("--token-expiration=3600s", "invalid value \"3600s\" for flag --token-expiration: must be an integer")]
    [InlineData("--tls-min-version=1.4", "invalid value \"1.4\" for flag --tls-min-version: must be one of 1.0, 1.1, 1.2, 1.3, VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13")]
    [InlineData("--tls-min-version=tls1.2", "invalid value \"tls1.2\" for flag --tls-min-version: must be one of 1.0, 1.1, 1.2, 1.3, VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13")]
    [InlineData("--service-account-lookup-grace-period=5", "invalid value \"5\" for flag --service-account-lookup-grace-period: must be a Go duration such as 100ms, 30s or 1m30s")]
    [InlineData("--resync-period=abc", "invalid value \"abc\" for flag --resync-period: must be a Go duration such as 100ms, 30s or 1m30s")]
    [InlineData("-v=x", "invalid value \"x\" for flag --v: must be an integer")]
    [InlineData("--in-cluster=maybe", "invalid value \"maybe\" for flag --in-cluster: must be a boolean (true or false)")]
    [InlineData("--watch-config-map=yes", "invalid value \"yes\" for flag --watch-config-map: must be a boolean (true or false)")]
    [InlineData("--version=2", "invalid value \"2\" for flag --version: must be a boolean (true or false)")]
    [InlineData("--max-review-bytes=4MB", "invalid value \"4MB\" for flag --max-review-bytes: must be a positive number of bytes, optionally with a Ki, Mi or Gi suffix (for example 4Mi)")]
    [InlineData("--max-review-bytes=0", "invalid value \"0\" for flag --max-review-bytes: must be a positive number of bytes, optionally with a Ki, Mi or Gi suffix (for example 4Mi)")]
    [InlineData("--review-memory-budget=-1Mi", "invalid value \"-1Mi\" for flag --review-memory-budget: must be a positive number of bytes, optionally with a Ki, Mi or Gi suffix (for example 4Mi)")]
    [InlineData("--review-memory-budget=99999999999Gi", "invalid value \"99999999999Gi\" for flag --review-memory-budget: must be a positive number of bytes, optionally with a Ki, Mi or Gi suffix (for example 4Mi)")]
    public void Bad_value_error_names_the_flag_and_the_rule(string arg, string expected) =>
        Assert.Equal(expected, Flags.Error(arg));

    [Fact]
    public void In_cluster_set_then_unset_is_accepted() => Assert.False(Flags.Ok("--in-cluster", "--in-cluster=false").InCluster);

    [Theory]
    [InlineData("--foo", "unknown flag: --foo")]
    [InlineData("--foo=1", "unknown flag: --foo")]
    [InlineData("-foo", "unknown flag: -foo")]
    [InlineData("--Port=1", "unknown flag: --Port")]
    [InlineData("--pod=x", "unknown flag: --pod")]
    [InlineData("--vv", "unknown flag: --vv")]
    public void Unknown_flag_is_an_error_naming_it(string arg, string expected) => Assert.Equal(expected, Flags.Error(arg));

    [Theory]
    [InlineData("--port", "flag needs an argument: --port")]
    [InlineData("-kubeconfig", "flag needs an argument: --kubeconfig")]
    [InlineData("--resync-period", "flag needs an argument: --resync-period")]
    [InlineData("-v", "flag needs an argument: --v")]
    [InlineData("--log_dir", "flag needs an argument: --log_dir")]
    public void Value_flag_at_the_end_without_value_is_an_error_naming_it(string arg, string expected) =>
        Assert.Equal(expected, Flags.Error("--watch-config-map", arg));

    [Theory]
    [InlineData("---port=1")]
    [InlineData("--=1")]
    [InlineData("-=1")]
    public void Malformed_flag_is_a_syntax_error(string arg) => Assert.Equal($"bad flag syntax: {arg}", Flags.Error(arg));

    [Fact]
    public void Value_flag_followed_by_another_flag_takes_it_as_a_bad_value() =>
        Assert.Equal(
            "invalid value \"--metrics-port\" for flag --port: must be an integer between 0 and 65535",
            Flags.Error("--port", "--metrics-port", "1"));

    [Fact]
    public void First_error_wins() => Assert.Contains("--port", Flags.Error("--port=x", "--metrics-port=y"), StringComparison.Ordinal);
}
