using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class FlagParserEveryFlagTests
{
    // A non-default value for every flag, and how to read it back; in-cluster only accepts false.
    private static readonly Dictionary<string, (string Value, Func<WebhookOptions, object> Read, object Expected)> Cases = new()
    {
        ["port"] = ("8443", o => o.Port, 8443),
        ["metrics-port"] = ("9090", o => o.MetricsPort, 9090),
        ["bind-address"] = ("127.0.0.1", o => o.BindAddress, "127.0.0.1"),
        ["kubeconfig"] = ("/home/me/.kube/config", o => o.Kubeconfig, "/home/me/.kube/config"),
        ["kube-api"] = ("https://127.0.0.1:6443", o => o.KubeApi, "https://127.0.0.1:6443"),
        ["tls-cert"] = ("/certs/cert.pem", o => o.TlsCert, "/certs/cert.pem"),
        ["tls-key"] = ("/certs/key.pem", o => o.TlsKey, "/certs/key.pem"),
        ["tls-cipher-suites"] = ("A,B", o => string.Join('|', o.TlsCipherSuites), "A|B"),
        ["tls-min-version"] = ("1.3", o => o.TlsMinVersion, "1.3"),
        ["self-signed-cert"] = ("true", o => o.SelfSignedCert, true),
        ["in-cluster"] = ("false", o => o.InCluster, false),
        ["namespace"] = ("kube-system", o => o.Namespace, "kube-system"),
        ["service-name"] = ("webhook", o => o.ServiceName, "webhook"),
        ["tls-secret"] = ("webhook-tls", o => o.TlsSecret, "webhook-tls"),
        ["self-managed-certificate"] = ("true", o => o.SelfManagedCertificate, true),
        ["webhook-configuration-name"] = ("webhook", o => o.WebhookConfigurationName, "webhook"),
        ["self-managed-certificate-extra-sans"] = ("10.0.0.1,webhook.local", o => string.Join('|', o.SelfManagedCertificateExtraSans), "10.0.0.1|webhook.local"),
        ["self-managed-certificate-sync-period"] = ("5s", o => o.SelfManagedCertificateSyncPeriod, TimeSpan.FromSeconds(5)),
        ["self-managed-certificate-ca-overlap"] = ("30m", o => o.SelfManagedCertificateCaOverlap, TimeSpan.FromMinutes(30)),
        ["annotation-prefix"] = ("example.com", o => o.AnnotationPrefix, "example.com"),
        ["token-audience"] = ("my-audience", o => o.TokenAudience, "my-audience"),
        ["token-mount-path"] = ("/var/run/token", o => o.TokenMountPath, "/var/run/token"),
        ["token-expiration"] = ("3600", o => o.TokenExpiration, 3600L),
        ["aws-default-region"] = ("eu-west-1", o => o.AwsDefaultRegion, "eu-west-1"),
        ["sts-regional-endpoint"] = ("true", o => o.StsRegionalEndpoint, true),
        ["watch-config-map"] = ("true", o => o.WatchConfigMap, true),
        ["compose-role-arn"] = ("true", o => o.ComposeRoleArn, true),
        ["watch-container-credentials-config"] = ("/etc/pi/config.json", o => o.WatchContainerCredentialsConfig, "/etc/pi/config.json"),
        ["container-credentials-audience"] = ("pods.example", o => o.ContainerCredentialsAudience, "pods.example"),
        ["container-credentials-token-mount-path"] = ("/var/run/pi", o => o.ContainerCredentialsTokenMountPath, "/var/run/pi"),
        ["container-credentials-token-volume-name"] = ("pi-token", o => o.ContainerCredentialsTokenVolumeName, "pi-token"),
        ["container-credentials-token-path"] = ("token", o => o.ContainerCredentialsTokenPath, "token"),
        ["container-credentials-full-uri"] = ("http://127.0.0.1:8080/creds", o => o.ContainerCredentialsFullUri, "http://127.0.0.1:8080/creds"),
        ["enable-debugging-handlers"] = ("true", o => o.EnableDebuggingHandlers, true),
        ["service-account-lookup-grace-period"] = ("250ms", o => o.ServiceAccountLookupGracePeriod, TimeSpan.FromMilliseconds(250)),
        ["resync-period"] = ("5m", o => o.ResyncPeriod, TimeSpan.FromMinutes(5)),
        ["service-accounts-file"] = ("sa.yaml", o => o.ServiceAccountsFile, "sa.yaml"),
        ["max-review-bytes"] = ("2Mi", o => o.MaxReviewBytes, 2L * 1024 * 1024),
        ["review-memory-budget"] = ("1073741824", o => o.ReviewMemoryBudget, 1024L * 1024 * 1024),
        ["shutdown-drain"] = ("1500ms", o => o.ShutdownDrain, TimeSpan.FromMilliseconds(1500)),
        ["v"] = ("4", o => o.Verbosity, 4),
    };

    public static TheoryData<string> OptionFlagNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(OptionFlagNames))]
    public void Flag_value_reaches_its_option(string name)
    {
        var (value, read, expected) = Cases[name];

        Assert.Equal(expected, read(Flags.Ok($"--{name}={value}")));
        if (FlagTable.All.Single(f => f.Name == name).Kind != FlagValueKind.Bool)
        {
            Assert.Equal(expected, read(Flags.Ok($"--{name}", value)));
        }
    }

    [Fact]
    public void Every_option_flag_in_the_table_has_a_case_here()
    {
        var tableNames = FlagTable.All
            .Where(f => !f.IsIgnored && f.Name is not ("help" or "version"))
            .Select(f => f.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(tableNames, Cases.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_flag_the_reference_documents_is_in_the_table()
    {
        string[] reference =
        [
            "port", "metrics-port", "kubeconfig", "kube-api", "tls-cert", "tls-key", "tls-cipher-suites",
            "tls-min-version", "in-cluster", "namespace", "service-name", "tls-secret", "annotation-prefix",
            "token-audience", "token-mount-path", "token-expiration", "aws-default-region", "sts-regional-endpoint",
            "watch-config-map", "compose-role-arn", "watch-container-credentials-config",
            "container-credentials-audience", "container-credentials-token-mount-path",
            "container-credentials-token-volume-name", "container-credentials-token-path",
            "container-credentials-full-uri", "enable-debugging-handlers", "service-account-lookup-grace-period",
            "resync-period", "version", "v", "help",
            "logtostderr", "alsologtostderr", "log_dir", "log_file", "log_file_max_size", "log_backtrace_at",
            "skip_headers", "skip_log_headers", "stderrthreshold", "vmodule", "add_dir_header", "one_output",
            "log-flush-frequency",
        ];

        var names = FlagTable.All.Select(f => f.Name).ToHashSet();

        Assert.All(reference, name => Assert.Contains(name, names));
    }

    [Fact]
    public void Flag_names_are_unique() =>
        Assert.Equal(FlagTable.All.Count, FlagTable.All.Select(f => f.Name).Distinct().Count());
}
