using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class FlagDefaultsTests
{
    // Written out rather than read from OptionDefaults: these are the reference's defaults, and a
    // changed constant must fail here.
    [Fact]
    public void Defaults_match_the_reference()
    {
        var options = Flags.Ok();

        Assert.Equal(443, options.Port);
        Assert.Equal(9999, options.MetricsPort);
        Assert.Equal("", options.Kubeconfig);
        Assert.Equal("", options.KubeApi);
        Assert.Equal("/etc/webhook/certs/tls.crt", options.TlsCert);
        Assert.Equal("/etc/webhook/certs/tls.key", options.TlsKey);
        Assert.Empty(options.TlsCipherSuites);
        Assert.Equal("1.2", options.TlsMinVersion);
        Assert.Equal("eks", options.Namespace);
        Assert.Equal("eks.amazonaws.com", options.AnnotationPrefix);
        Assert.Equal("sts.amazonaws.com", options.TokenAudience);
        Assert.Equal("/var/run/secrets/eks.amazonaws.com/serviceaccount", options.TokenMountPath);
        Assert.Equal(86400, options.TokenExpiration);
        Assert.Equal("", options.AwsDefaultRegion);
        Assert.False(options.StsRegionalEndpoint);
        Assert.False(options.WatchConfigMap);
        Assert.False(options.ComposeRoleArn);
        Assert.Equal("", options.WatchContainerCredentialsConfig);
        Assert.Equal("pods.eks.amazonaws.com", options.ContainerCredentialsAudience);
        Assert.Equal("/var/run/secrets/pods.eks.amazonaws.com/serviceaccount", options.ContainerCredentialsTokenMountPath);
        Assert.Equal("eks-pod-identity-token", options.ContainerCredentialsTokenVolumeName);
        Assert.Equal("eks-pod-identity-token", options.ContainerCredentialsTokenPath);
        Assert.Equal("http://169.254.170.23/v1/credentials", options.ContainerCredentialsFullUri);
        Assert.False(options.EnableDebuggingHandlers);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.ServiceAccountLookupGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ResyncPeriod);
        Assert.Equal(0, options.Verbosity);
    }

    [Fact]
    public void In_cluster_defaults_to_false_unlike_the_reference() => Assert.False(Flags.Ok().InCluster);

    [Fact]
    public void Our_own_flags_default_to_off()
    {
        var options = Flags.Ok();

        Assert.Equal("", options.BindAddress);
        Assert.False(options.SelfSignedCert);
        Assert.Equal("", options.ServiceAccountsFile);
    }

    [Theory]
    [InlineData("port", "443")]
    [InlineData("metrics-port", "9999")]
    [InlineData("token-expiration", "86400")]
    [InlineData("resync-period", "1m0s")]
    [InlineData("service-account-lookup-grace-period", "100ms")]
    [InlineData("namespace", "eks")]
    [InlineData("tls-min-version", "1.2")]
    [InlineData("in-cluster", "false")]
    [InlineData("tls-cipher-suites", "")]
    public void Table_default_is_written_as_Go_prints_it(string name, string expected) =>
        Assert.Equal(expected, FlagTable.All.Single(f => f.Name == name).DefaultValue);

    [Fact]
    public void Every_table_default_given_back_as_a_value_yields_the_default_options()
    {
        var args = FlagTable.All
            .Where(f => !f.IsIgnored)
            .Select(f => $"--{f.Name}={f.DefaultValue}")
            .ToArray();

        Assert.Equal(new WebhookOptions(), Flags.Ok(args));
    }
}
