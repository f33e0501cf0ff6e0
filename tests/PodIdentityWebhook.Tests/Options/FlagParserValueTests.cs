using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class FlagParserValueTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("65535", 65535)]
    [InlineData("0x1bb", 443)]
    public void Port_accepts_the_whole_range_and_Go_integer_syntax(string text, int expected) =>
        Assert.Equal(expected, Flags.Ok($"--port={text}").Port);

    [Theory]
    [InlineData("100", 100L)]
    [InlineData("0", 0L)]
    [InlineData("-5", -5L)]
    [InlineData("172800", 172800L)]
    public void Token_expiration_below_the_minimum_is_kept_for_later_raising(string text, long expected) =>
        Assert.Equal(expected, Flags.Ok($"--token-expiration={text}").TokenExpiration);

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("1.1", "1.1")]
    [InlineData("1.2", "1.2")]
    [InlineData("1.3", "1.3")]
    [InlineData("VersionTLS10", "1.0")]
    [InlineData("VersionTLS11", "1.1")]
    [InlineData("VersionTLS12", "1.2")]
    [InlineData("VersionTLS13", "1.3")]
    public void Tls_min_version_is_normalised(string text, string expected) =>
        Assert.Equal(expected, Flags.Ok($"--tls-min-version={text}").TlsMinVersion);

    [Fact]
    public void Aws_default_region_may_be_empty() => Assert.Equal("", Flags.Ok("--aws-default-region=").AwsDefaultRegion);

    [Fact]
    public void Durations_use_Go_syntax()
    {
        var options = Flags.Ok("--service-account-lookup-grace-period=1m30s", "--resync-period", "1.5h");

        Assert.Equal(TimeSpan.FromSeconds(90), options.ServiceAccountLookupGracePeriod);
        Assert.Equal(TimeSpan.FromMinutes(90), options.ResyncPeriod);
    }

    [Fact]
    public void Zero_duration_is_accepted() => Assert.Equal(TimeSpan.Zero, Flags.Ok("--resync-period=0").ResyncPeriod);

    [Fact]
    public void Https_credentials_uri_is_accepted() =>
        Assert.Equal("https://[fd00:ec2::23]/v1/credentials", Flags.Ok("--container-credentials-full-uri=https://[fd00:ec2::23]/v1/credentials").ContainerCredentialsFullUri);

    [Fact]
    public void No_flags_give_the_default_options() => Assert.Equal(new WebhookOptions(), Flags.Ok());
}
