using System.Net;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

/// <summary>Every check on the options as a whole, and that the server and explain both run it.</summary>
public class OptionsValidatorTests
{
    private static readonly WebhookOptions Valid = new() { SelfSignedCert = true, ServiceAccountsFile = "sa.yaml" };

    public static TheoryData<string, string[], string> Invalid => new()
    {
        { "in-cluster", ["--in-cluster=true"], "--in-cluster=true is not supported" },
        { "in-cluster shorthand", ["-in-cluster=1"], "--in-cluster=true is not supported" },
        { "budget", ["--max-review-bytes=4Mi", "--review-memory-budget=8Mi"], "--review-memory-budget (8388608) must be at least 4 times --max-review-bytes (4194304)" },
        { "same ports", ["--port=8443", "--metrics-port=8443"], "--metrics-port: 8443 is also --port" },
        { "bind address", ["--bind-address=example.com"], "--bind-address: \"example.com\" is not an IP address" },
        { "config map without the API", ["--watch-config-map", "--service-accounts-file=sa.yaml"], "--watch-config-map reads the ConfigMap from the Kubernetes API" },
        { "self-managed without the API", ["--self-managed-certificate", "--service-accounts-file=sa.yaml"], "--self-managed-certificate keeps its certificate in a Secret through the Kubernetes API" },
        { "self-managed and self-signed", ["--self-managed-certificate", "--self-signed-cert"], "--self-managed-certificate and --self-signed-cert both choose" },
        { "self-managed and tls-cert", ["--self-managed-certificate", "--tls-cert=/tmp/tls.crt"], "--self-managed-certificate issues the serving certificate itself" },
        { "self-managed and tls-key", ["--self-managed-certificate", "--tls-key=/tmp/tls.key"], "--self-managed-certificate issues the serving certificate itself" },
        { "self-managed without a secret", ["--self-managed-certificate", "--tls-secret="], "--self-managed-certificate needs --namespace, --service-name, --tls-secret" },
        { "self-managed without a configuration", ["--self-managed-certificate", "--webhook-configuration-name="], "--self-managed-certificate needs --namespace" },
        { "self-managed sync period", ["--self-managed-certificate", "--self-managed-certificate-sync-period=0s"], "--self-managed-certificate-sync-period must be positive" },
        { "self-managed overlap", ["--self-managed-certificate", "--self-managed-certificate-ca-overlap=2400h"], "--self-managed-certificate-ca-overlap must be at least 0" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Flags_that_cannot_work_together_are_a_parse_error_naming_them(string name, string[] args, string expected)
    {
        var error = Flags.Error(args);

        Assert.True(error.StartsWith(expected, StringComparison.Ordinal), $"{name}: {error}");
    }

    [Fact]
    public void In_cluster_points_to_mounted_certificates()
    {
        var problem = OptionsValidator.Problem(Valid with { InCluster = true });

        Assert.Contains("CertificateSigningRequest", problem, StringComparison.Ordinal);
        Assert.Contains("--tls-cert", problem, StringComparison.Ordinal);
        Assert.Contains("--tls-key", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(8443, 0)]
    [InlineData(0, 9999)]
    public void Port_zero_means_any_free_port_and_never_clashes(int port, int metricsPort) =>
        Assert.Null(OptionsValidator.Problem(Valid with { Port = port, MetricsPort = metricsPort }));

    [Fact]
    public void The_budget_may_be_exactly_four_largest_reviews() =>
        Assert.Null(OptionsValidator.Problem(Valid with { MaxReviewBytes = 1024, ReviewMemoryBudget = 4096 }));

    [Theory]
    [InlineData("", "::")]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("::1", "::1")]
    public void Bind_addresses_the_listeners_take(string flag, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), OptionsValidator.BindAddress(flag));

    [Fact]
    public void Self_managed_certificates_go_with_the_API_and_the_in_cluster_flags()
    {
        Assert.Null(OptionsValidator.Problem(new WebhookOptions { SelfManagedCertificate = true }));
        Assert.Null(OptionsValidator.Problem(new WebhookOptions
        {
            SelfManagedCertificate = true,
            Namespace = "kube-system",
            ServiceName = "piw",
            TlsSecret = "piw-tls",
            WebhookConfigurationName = "piw",
            SelfManagedCertificateExtraSans = ["10.0.0.1"],
        }));
    }

    [Fact]
    public void The_self_managed_flags_parse_into_the_options()
    {
        var options = Flags.Ok(
            "--self-managed-certificate", "--webhook-configuration-name=piw", "--self-managed-certificate-extra-sans=10.0.0.1,webhook.local",
            "--self-managed-certificate-sync-period=1s", "--self-managed-certificate-ca-overlap=5s");

        Assert.True(options.SelfManagedCertificate);
        Assert.Equal("piw", options.WebhookConfigurationName);
        Assert.Equal(["10.0.0.1", "webhook.local"], options.SelfManagedCertificateExtraSans);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SelfManagedCertificateSyncPeriod);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SelfManagedCertificateCaOverlap);
    }

    [Fact]
    public void The_default_options_are_valid() => Assert.Null(OptionsValidator.Problem(new WebhookOptions()));

    [Fact]
    public async Task The_host_runs_it_on_options_built_in_code_before_anything_starts()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(
            () => WebhookHost.BuildAsync(Valid with { Port = 18443, MetricsPort = 18443 }, CancellationToken.None));

        Assert.StartsWith("--metrics-port: 18443 is also --port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_parses_with_the_same_checks()
    {
        var parsed = FlagParser.Parse(["explain", "--pod", "pod.yaml", "--bind-address=nowhere"], PodIdentityWebhook.Explain.ExplainCommand.Flags);

        Assert.StartsWith("--bind-address:", parsed.Error, StringComparison.Ordinal);
    }
}
