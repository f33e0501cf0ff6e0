using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

/// <summary>Values the reference's pflag/klog flags accept are accepted here, meaning the same.</summary>
public class FlagParserReferenceValueTests
{
    [Fact]
    public void Empty_tls_min_version_means_the_default_floor() =>
        Assert.Equal("1.2", Flags.Ok("--tls-min-version=").TlsMinVersion);

    [Fact]
    public void Empty_annotation_prefix_is_taken_as_given() =>
        Assert.Equal("", Flags.Ok("--annotation-prefix=").AnnotationPrefix);

    [Fact]
    public void Negative_grace_period_is_accepted() =>
        Assert.Equal(TimeSpan.FromSeconds(-1), Flags.Ok("--service-account-lookup-grace-period=-1s").ServiceAccountLookupGracePeriod);

    [Fact]
    public void Negative_resync_period_is_accepted() =>
        Assert.Equal(TimeSpan.FromMinutes(-5), Flags.Ok("--resync-period=-5m").ResyncPeriod);

    [Fact]
    public void Negative_verbosity_logs_as_level_0() =>
        Assert.Equal(0, Flags.Ok("-v=-1").Verbosity);

    [Theory]
    [InlineData("--legacy_stderr_threshold_behavior=false")]
    [InlineData("--alsologtostderrthreshold=INFO")]
    public void Klog_threshold_flags_are_accepted_and_ignored(string arg)
    {
        var result = Flags.Parse(arg);

        Assert.Null(result.Error);
        Assert.Equal(new WebhookOptions(), result.Options);
        Assert.Contains(result.Warnings, w => w.Contains(arg[..arg.IndexOf('=', StringComparison.Ordinal)], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("credentials")]
    [InlineData("/v1/credentials")]
    [InlineData("ftp://169.254.170.23/")]
    [InlineData("")]
    public void Container_credentials_uri_that_is_not_http_is_injected_as_given_with_a_warning(string uri)
    {
        var result = Flags.Parse($"--container-credentials-full-uri={uri}");

        Assert.Null(result.Error);
        Assert.Equal(uri, result.Options!.ContainerCredentialsFullUri);
        Assert.Contains(result.Warnings, w => w.StartsWith($"--container-credentials-full-uri \"{uri}\" is not an absolute http or https URI", StringComparison.Ordinal));
    }

    [Fact]
    public void Http_container_credentials_uri_gives_no_warning() =>
        Assert.Empty(Flags.Parse("--container-credentials-full-uri=http://localhost:2703/v1/credentials").Warnings);

    [Fact]
    public void Service_name_and_tls_secret_default_to_pod_identity_webhook()
    {
        var options = Flags.Ok();

        Assert.Equal("pod-identity-webhook", options.ServiceName);
        Assert.Equal("pod-identity-webhook", options.TlsSecret);
    }
}
