using System.Globalization;

namespace PodIdentityWebhook.Options;

/// <summary>
/// Every flag the webhook accepts: the reference's names and defaults, ours,
/// and the reference's logging flags accepted and ignored. Parsing and help both read
/// <see cref="All"/>; defaults come from <c>new WebhookOptions()</c>.
/// </summary>
internal static class FlagTable
{
    public const string BoolProblem = "must be a boolean (true or false)";

    private const string PortProblem = "must be an integer between 0 and 65535";
    private const string DurationProblem = "must be a Go duration such as 100ms, 30s or 1m30s";
    private const string SizeProblem = "must be a positive number of bytes, optionally with a Ki, Mi or Gi suffix (for example 4Mi)";
    private const string TlsVersionProblem = "must be one of 1.0, 1.1, 1.2, 1.3, VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13";

    private static readonly WebhookOptions Defaults = new();

    public static IReadOnlyList<FlagDefinition> All { get; } =
    [
        Port("port", "Webhook server port (TLS)", o => o.Port, (o, v) => o with { Port = v }),
        Port("metrics-port", "Metrics and debugging server port (plain HTTP)", o => o.MetricsPort, (o, v) => o with { MetricsPort = v }),
        Text("bind-address", "Address both servers listen on; empty means every interface", o => o.BindAddress, (o, v) => o with { BindAddress = v }),

        Text("kubeconfig", "(out-of-cluster) Absolute path to the API server kubeconfig file", o => o.Kubeconfig, (o, v) => o with { Kubeconfig = v }),
        Text("kube-api", "(out-of-cluster) The URL of the API server; overrides the kubeconfig's server", o => o.KubeApi, (o, v) => o with { KubeApi = v }),
        Text("tls-cert", "TLS certificate file path (PEM)", o => o.TlsCert, (o, v) => o with { TlsCert = v }),
        Text("tls-key", "TLS key file path (PEM)", o => o.TlsKey, (o, v) => o with { TlsKey = v }),
        List("tls-cipher-suites", "Comma-separated IANA names of the TLS 1.2 cipher suites to allow (TLS 1.3 suites stay on); empty uses the platform defaults", o => o.TlsCipherSuites, (o, v) => o with { TlsCipherSuites = v }),
        Text("tls-min-version", "Minimum TLS version: 1.0, 1.1, 1.2, 1.3 (or VersionTLS10..VersionTLS13)", o => o.TlsMinVersion, (o, v) => o with { TlsMinVersion = v }, NormalizeTlsVersion, TlsVersionProblem),
        Switch("self-signed-cert", "Serve an in-memory self-signed certificate (local runs only)", o => o.SelfSignedCert, (o, v) => o with { SelfSignedCert = v }),

        Switch("in-cluster", "Only false is accepted: the reference's CSR-based certificate mode no longer works; use --tls-cert/--tls-key", o => o.InCluster, (o, v) => o with { InCluster = v }),
        Text("namespace", "(in-cluster) The namespace this webhook and its ConfigMap reside in", o => o.Namespace, (o, v) => o with { Namespace = v }),
        Text("service-name", "(in-cluster) The service name fronting this webhook", o => o.ServiceName, (o, v) => o with { ServiceName = v }),
        Text("tls-secret", "(in-cluster) The secret name for storing the TLS serving cert", o => o.TlsSecret, (o, v) => o with { TlsSecret = v }),
        Switch("self-managed-certificate", "Keep a CA and serving certificate in --tls-secret in --namespace, and the caBundle of --webhook-configuration-name, without cert-manager", o => o.SelfManagedCertificate, (o, v) => o with { SelfManagedCertificate = v }),
        Text("webhook-configuration-name", "(self-managed certificate) The MutatingWebhookConfiguration whose caBundle is kept", o => o.WebhookConfigurationName, (o, v) => o with { WebhookConfigurationName = v }),
        List("self-managed-certificate-extra-sans", "(self-managed certificate) Comma-separated extra DNS names or IP addresses for the serving certificate", o => o.SelfManagedCertificateExtraSans, (o, v) => o with { SelfManagedCertificateExtraSans = v }),
        Duration("self-managed-certificate-sync-period", "(self-managed certificate) How often each replica re-reads the Secret and the caBundle", o => o.SelfManagedCertificateSyncPeriod, (o, v) => o with { SelfManagedCertificateSyncPeriod = v }),
        Duration("self-managed-certificate-ca-overlap", "(self-managed certificate) How long a new CA is trusted beside the old one before the serving certificate switches to it", o => o.SelfManagedCertificateCaOverlap, (o, v) => o with { SelfManagedCertificateCaOverlap = v }),

        Text("annotation-prefix", "The ServiceAccount annotation prefix to look for", o => o.AnnotationPrefix, (o, v) => o with { AnnotationPrefix = v }),
        Text("token-audience", "The default audience for tokens; overridable by annotation", o => o.TokenAudience, (o, v) => o with { TokenAudience = v }),
        Text("token-mount-path", "The path to mount tokens", o => o.TokenMountPath, (o, v) => o with { TokenMountPath = v }),
        Int64("token-expiration", "The token expiration in seconds; values below 600 are raised to 600", o => o.TokenExpiration, (o, v) => o with { TokenExpiration = v }),
        Text("aws-default-region", "If set, AWS_DEFAULT_REGION and AWS_REGION are set to this value in mutated containers", o => o.AwsDefaultRegion, (o, v) => o with { AwsDefaultRegion = v }),
        Switch("sts-regional-endpoint", "Inject AWS_STS_REGIONAL_ENDPOINTS=regional in mutated pods", o => o.StsRegionalEndpoint, (o, v) => o with { StsRegionalEndpoint = v }),
        Switch("watch-config-map", "Also take identities from the pod-identity-webhook ConfigMap in --namespace", o => o.WatchConfigMap, (o, v) => o with { WatchConfigMap = v }),
        Switch("compose-role-arn", "Accept a role name or path in the annotation and compose the full ARN", o => o.ComposeRoleArn, (o, v) => o with { ComposeRoleArn = v }),

        Text("watch-container-credentials-config", "Path to a file listing ServiceAccounts that use container credentials (EKS Pod Identity)", o => o.WatchContainerCredentialsConfig, (o, v) => o with { WatchContainerCredentialsConfig = v }),
        Text("container-credentials-audience", "The audience for tokens used by the container credentials provider", o => o.ContainerCredentialsAudience, (o, v) => o with { ContainerCredentialsAudience = v }),
        Text("container-credentials-token-mount-path", "The path to mount container credentials tokens", o => o.ContainerCredentialsTokenMountPath, (o, v) => o with { ContainerCredentialsTokenMountPath = v }),
        Text("container-credentials-token-volume-name", "The name of the container credentials token volume", o => o.ContainerCredentialsTokenVolumeName, (o, v) => o with { ContainerCredentialsTokenVolumeName = v }),
        Text("container-credentials-token-path", "The file name of the container credentials token in its volume", o => o.ContainerCredentialsTokenPath, (o, v) => o with { ContainerCredentialsTokenPath = v }),
        Text("container-credentials-full-uri", "The container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI); any value is injected as given", o => o.ContainerCredentialsFullUri, (o, v) => o with { ContainerCredentialsFullUri = v }),

        Switch("enable-debugging-handlers", "Serve /debug/alpha/cache and /debug/alpha/cache/clear on the metrics port", o => o.EnableDebuggingHandlers, (o, v) => o with { EnableDebuggingHandlers = v }),
        Duration("service-account-lookup-grace-period", "How long to wait for an unknown ServiceAccount to reach the cache before not mutating; 0 disables waiting", o => o.ServiceAccountLookupGracePeriod, (o, v) => o with { ServiceAccountLookupGracePeriod = v }),
        Duration("resync-period", "The period to resync the ServiceAccount informer cache", o => o.ResyncPeriod, (o, v) => o with { ResyncPeriod = v }),
        Text("service-accounts-file", "Read ServiceAccounts from this YAML or JSON file instead of the API", o => o.ServiceAccountsFile, (o, v) => o with { ServiceAccountsFile = v }),
        Size("max-review-bytes", "Largest AdmissionReview body accepted, in bytes (suffixes Ki, Mi, Gi); larger is answered 413", o => o.MaxReviewBytes, (o, v) => o with { MaxReviewBytes = v }),
        Duration("shutdown-drain", "After SIGTERM, keep serving this long with /readyz at 503 before the listener closes; 0 closes at once", o => o.ShutdownDrain, (o, v) => o with { ShutdownDrain = v }),
        Size("review-memory-budget", "Memory all reviews in flight may hold together, in bytes (suffixes Ki, Mi, Gi); reviews that do not fit wait 1s, then get 503", o => o.ReviewMemoryBudget, (o, v) => o with { ReviewMemoryBudget = v }),

        Value("v", FlagValueKind.Int, Format(Defaults.Verbosity), "Log verbosity level", ParseVerbosity, "must be an integer", Option<int>((o, v) => o with { Verbosity = v })),
        Value("version", FlagValueKind.Bool, "false", "Display the version and exit", ParseBool, BoolProblem, (s, v) => s.VersionRequested = v),
        Value("help", FlagValueKind.Bool, "false", "Show this help and exit", ParseBool, BoolProblem, (s, v) => s.HelpRequested = v) with { Shorthand = "h" },

        // klog/glog flags the reference registers; Deployments pass them, and they must not stop startup.
        Ignored("logtostderr", FlagValueKind.Bool),
        Ignored("alsologtostderr", FlagValueKind.Bool),
        Ignored("log_dir", FlagValueKind.String),
        Ignored("log_file", FlagValueKind.String),
        Ignored("log_file_max_size", FlagValueKind.String),
        Ignored("log_backtrace_at", FlagValueKind.String),
        Ignored("skip_headers", FlagValueKind.Bool),
        Ignored("skip_log_headers", FlagValueKind.Bool),
        Ignored("stderrthreshold", FlagValueKind.String),
        Ignored("vmodule", FlagValueKind.String),
        Ignored("add_dir_header", FlagValueKind.Bool),
        Ignored("one_output", FlagValueKind.Bool),
        Ignored("log-flush-frequency", FlagValueKind.String),
        Ignored("legacy_stderr_threshold_behavior", FlagValueKind.Bool),
        Ignored("alsologtostderrthreshold", FlagValueKind.String),
    ];

    private static FlagDefinition Text(
        string name, string help, Func<WebhookOptions, string> get, Func<WebhookOptions, string, WebhookOptions> set,
        Func<string, (bool, string)>? check = null, string problem = "") =>
        Value(name, FlagValueKind.String, get(Defaults), help, check ?? (v => (true, v)), problem, Option(set));

    private static FlagDefinition Port(
        string name, string help, Func<WebhookOptions, int> get, Func<WebhookOptions, int, WebhookOptions> set) =>
        Value(name, FlagValueKind.Int, Format(get(Defaults)), help, ParsePort, PortProblem, Option(set));

    private static FlagDefinition Int64(
        string name, string help, Func<WebhookOptions, long> get, Func<WebhookOptions, long, WebhookOptions> set) =>
        Value(name, FlagValueKind.Int, Format(get(Defaults)), help, v => (GoStrconv.TryParseInt(v, out var n), n), "must be an integer", Option(set));

    private static FlagDefinition Size(
        string name, string help, Func<WebhookOptions, long> get, Func<WebhookOptions, long, WebhookOptions> set) =>
        Value(name, FlagValueKind.Int, Format(get(Defaults)), help, ParseSize, SizeProblem, Option(set));

    private static FlagDefinition Switch(
        string name, string help, Func<WebhookOptions, bool> get, Func<WebhookOptions, bool, WebhookOptions> set) =>
        Value(name, FlagValueKind.Bool, Format(get(Defaults)), help, ParseBool, BoolProblem, Option(set));

    private static FlagDefinition Duration(
        string name, string help, Func<WebhookOptions, TimeSpan> get, Func<WebhookOptions, TimeSpan, WebhookOptions> set) =>
        Value(name, FlagValueKind.Duration, GoDuration.Format(get(Defaults)), help, ParseDuration, DurationProblem, Option(set));

    // The reference reads the list as one comma-separated string flag: a repeated flag keeps
    // the last value.
    private static FlagDefinition List(
        string name, string help, Func<WebhookOptions, IReadOnlyList<string>> get,
        Func<WebhookOptions, IReadOnlyList<string>, WebhookOptions> set) =>
        Value(name, FlagValueKind.StringList, string.Join(',', get(Defaults)), help, SplitList, "", Option(set));

    private static FlagDefinition Ignored(string name, FlagValueKind kind)
    {
        var flag = Value(name, kind, "", "Ignored (logging flag of the reference)", v => (true, v), "", (state, _) =>
        {
            if (!state.IgnoredFlags.Contains(name))
            {
                state.IgnoredFlags.Add(name);
            }
        });
        return flag with { IsIgnored = true };
    }

    private static FlagDefinition Value<T>(
        string name, FlagValueKind kind, string defaultValue, string help,
        Func<string, (bool Ok, T Value)> parse, string problem, Action<FlagParseState, T> apply) =>
        new(name, kind, defaultValue, help, (state, text) =>
        {
            var (ok, value) = parse(text);
            if (!ok)
            {
                return problem;
            }

            apply(state, value);
            return null;
        });

    private static Action<FlagParseState, T> Option<T>(Func<WebhookOptions, T, WebhookOptions> set) =>
        (state, value) => state.Options = set(state.Options, value);

    private static (bool, bool) ParseBool(string text) => (GoStrconv.TryParseBool(text, out var value), value);

    private static (bool, int) ParsePort(string text) =>
        GoStrconv.TryParseInt(text, out var port) && port is >= 0 and <= 65535 ? (true, (int)port) : (false, 0);

    // klog parses -v as a base-10 int32 level; a negative level logs what level 0 does.
    private static (bool, int) ParseVerbosity(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) ? (true, Math.Max(level, 0)) : (false, 0);

    // Kubernetes quantity suffixes, which operators already write for memory limits.
    private static (bool, long) ParseSize(string text)
    {
        var (digits, multiplier) = text switch
        {
            _ when text.EndsWith("Ki", StringComparison.Ordinal) => (text[..^2], 1024L),
            _ when text.EndsWith("Mi", StringComparison.Ordinal) => (text[..^2], 1024L * 1024),
            _ when text.EndsWith("Gi", StringComparison.Ordinal) => (text[..^2], 1024L * 1024 * 1024),
            _ => (text, 1L),
        };
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= long.MaxValue / multiplier
            ? (true, value * multiplier)
            : (false, 0);
    }

    // time.ParseDuration takes negative values; a negative period disables what it times, as zero does.
    private static (bool, TimeSpan) ParseDuration(string text) =>
        GoDuration.TryParse(text, out var duration) ? (true, duration) : (false, TimeSpan.Zero);

    private static (bool, IReadOnlyList<string>) SplitList(string text) =>
        (true, text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static (bool, string) NormalizeTlsVersion(string text) => text switch
    {
        "1.0" or "VersionTLS10" => (true, "1.0"),
        "1.1" or "VersionTLS11" => (true, "1.1"),
        "1.2" or "VersionTLS12" => (true, "1.2"),
        "1.3" or "VersionTLS13" => (true, "1.3"),

        // The reference treats an empty value as unset: the default floor.
        "" => (true, Defaults.TlsMinVersion),
        _ => (false, ""),
    };

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(bool value) => value ? "true" : "false";
}
