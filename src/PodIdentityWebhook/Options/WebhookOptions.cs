
namespace PodIdentityWebhook.Options;

/// <summary>
/// Validated process options. Property names follow the reference webhook's flags;
/// defaults are the reference's except where docs/differences.md says otherwise.
/// </summary>
internal sealed record WebhookOptions
{
    public int Port { get; init; } = 443;
    public int MetricsPort { get; init; } = 9999;

    /// <summary>[beyond] --bind-address; empty listens on every interface like the reference.</summary>
    public string BindAddress { get; init; } = "";

    public string Kubeconfig { get; init; } = "";
    public string KubeApi { get; init; } = "";
    public string TlsCert { get; init; } = "/etc/webhook/certs/tls.crt";
    public string TlsKey { get; init; } = "/etc/webhook/certs/tls.key";
    public IReadOnlyList<string> TlsCipherSuites { get; init; } = [];
    public string TlsMinVersion { get; init; } = "1.2";

    /// <summary>[beyond] --self-signed-cert: generate an in-memory certificate at start (local runs).</summary>
    public bool SelfSignedCert { get; init; }

    public bool InCluster { get; init; }
    public string Namespace { get; init; } = "eks";
    public string ServiceName { get; init; } = "pod-identity-webhook";
    public string TlsSecret { get; init; } = "pod-identity-webhook";

    /// <summary>[beyond] --self-managed-certificate: the webhook issues and rotates its own certificate in --tls-secret.</summary>
    public bool SelfManagedCertificate { get; init; }

    /// <summary>[beyond] --webhook-configuration-name: the MutatingWebhookConfiguration whose caBundle is kept.</summary>
    public string WebhookConfigurationName { get; init; } = "pod-identity-webhook";

    /// <summary>[beyond] --self-managed-certificate-extra-sans: DNS names or IP addresses beyond the Service's.</summary>
    public IReadOnlyList<string> SelfManagedCertificateExtraSans { get; init; } = [];

    /// <summary>[beyond] --self-managed-certificate-sync-period: how often the Secret and caBundle are re-read.</summary>
    public TimeSpan SelfManagedCertificateSyncPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>[beyond] --self-managed-certificate-ca-overlap: how long a new CA sits in the caBundle before it signs the served certificate.</summary>
    public TimeSpan SelfManagedCertificateCaOverlap { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a self-managed CA is valid (no flag; tests shorten it).</summary>
    public TimeSpan SelfManagedCaLifetime { get; init; } = TimeSpan.FromDays(5 * 365);

    /// <summary>How long a self-managed serving certificate is valid (no flag; tests shorten it).</summary>
    public TimeSpan SelfManagedServingLifetime { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How long before its expiry a self-managed CA is replaced.</summary>
    public TimeSpan SelfManagedCaRenewBefore { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How long before its expiry a self-managed serving certificate is replaced.</summary>
    public TimeSpan SelfManagedServingRenewBefore { get; init; } = TimeSpan.FromDays(30);

    public string AnnotationPrefix { get; init; } = OptionDefaults.AnnotationPrefix;
    public string TokenAudience { get; init; } = OptionDefaults.TokenAudience;
    public string TokenMountPath { get; init; } = OptionDefaults.TokenMountPath;
    public long TokenExpiration { get; init; } = OptionDefaults.TokenExpiration;
    public string AwsDefaultRegion { get; init; } = "";
    public bool StsRegionalEndpoint { get; init; }
    public bool WatchConfigMap { get; init; }
    public bool ComposeRoleArn { get; init; }

    public string WatchContainerCredentialsConfig { get; init; } = "";
    public string ContainerCredentialsAudience { get; init; } = OptionDefaults.ContainerCredentialsAudience;
    public string ContainerCredentialsTokenMountPath { get; init; } = OptionDefaults.ContainerCredentialsMountPath;
    public string ContainerCredentialsTokenVolumeName { get; init; } = OptionDefaults.ContainerCredentialsVolumeName;
    public string ContainerCredentialsTokenPath { get; init; } = OptionDefaults.ContainerCredentialsTokenPath;
    public string ContainerCredentialsFullUri { get; init; } = OptionDefaults.ContainerCredentialsFullUri;

    public bool EnableDebuggingHandlers { get; init; }
    /// <summary>
    /// --service-account-lookup-grace-period: 100ms, as the reference's recent versions, so a
    /// pod created right after its ServiceAccount waits for it briefly rather than starting
    /// without identity.
    /// </summary>
    public TimeSpan ServiceAccountLookupGracePeriod { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>[beyond] --service-accounts-file: ServiceAccounts from a local YAML/JSON file instead of the API.</summary>
    public string ServiceAccountsFile { get; init; } = "";

    /// <summary>[beyond] --max-review-bytes: the largest review body accepted (HTTP 413 beyond).</summary>
    public long MaxReviewBytes { get; init; } = OptionDefaults.MaxReviewBytes;

    /// <summary>[beyond] --review-memory-budget: bytes all reviews in flight may hold together.</summary>
    public long ReviewMemoryBudget { get; init; } = OptionDefaults.ReviewMemoryBudget;

    /// <summary>
    /// [beyond] --shutdown-drain: after SIGTERM the webhook keeps serving this long with /readyz
    /// at 503, so the API server stops sending it reviews before its listener closes.
    /// </summary>
    public TimeSpan ShutdownDrain { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>klog-style verbosity from -v / --v.</summary>
    public int Verbosity { get; init; }
}
