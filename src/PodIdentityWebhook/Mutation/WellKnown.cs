namespace PodIdentityWebhook.Mutation;

/// <summary>
/// Every annotation key, label, environment variable, volume name, path and limit the
/// webhook knows about. Values match the reference amazon-eks-pod-identity-webhook so the
/// same manifests produce the same pods.
/// </summary>
internal static class WellKnown
{
    // ---- Annotations (key suffixes; the prefix comes from --annotation-prefix) ----

    /// <summary>ServiceAccount: the IAM role to assume (required for IRSA).</summary>
    public const string RoleArnAnnotation = "role-arn";

    /// <summary>ServiceAccount: audience of the projected token (default --token-audience).</summary>
    public const string AudienceAnnotation = "audience";

    /// <summary>ServiceAccount: "true"/"false", overrides --sts-regional-endpoint.</summary>
    public const string StsRegionalEndpointsAnnotation = "sts-regional-endpoints";

    /// <summary>ServiceAccount or pod: token lifetime in seconds; the pod's wins.</summary>
    public const string TokenExpirationAnnotation = "token-expiration";

    /// <summary>Pod: comma-separated (CSV) container names left untouched.</summary>
    public const string SkipContainersAnnotation = "skip-containers";

    /// <summary>Default for --annotation-prefix.</summary>
    public const string DefaultAnnotationPrefix = "eks.amazonaws.com";

    // ---- Labels ----

    /// <summary>Set on pods mutated for EKS Pod Identity (container credentials).</summary>
    public const string PodIdentityLabel = "eks.amazonaws.com/pod-identity";

    /// <summary>Value of <see cref="PodIdentityLabel"/>.</summary>
    public const string PodIdentityLabelValue = "enabled";

    // ---- Environment variables ----

    public const string AwsRoleArnEnv = "AWS_ROLE_ARN";
    public const string AwsWebIdentityTokenFileEnv = "AWS_WEB_IDENTITY_TOKEN_FILE";
    public const string AwsContainerCredentialsFullUriEnv = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public const string AwsContainerAuthorizationTokenFileEnv = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    public const string AwsRegionEnv = "AWS_REGION";
    public const string AwsDefaultRegionEnv = "AWS_DEFAULT_REGION";
    public const string AwsStsRegionalEndpointsEnv = "AWS_STS_REGIONAL_ENDPOINTS";

    /// <summary>Value of <see cref="AwsStsRegionalEndpointsEnv"/> when regional STS applies.</summary>
    public const string RegionalStsValue = "regional";

    /// <summary>Standard AWS SDK variable that overrides the instance metadata endpoint.</summary>
    public const string Ec2MetadataEndpointEnv = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    // ---- Web identity (IRSA) volume ----

    /// <summary>Name of the projected token volume and its mounts.</summary>
    public const string WebIdentityVolumeName = "aws-iam-token";

    /// <summary>File name of the token inside the volume.</summary>
    public const string WebIdentityTokenPath = "token";

    public const string DefaultTokenAudience = "sts.amazonaws.com";
    public const string DefaultTokenMountPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount";

    // ---- Container credentials (EKS Pod Identity) ----

    public const string DefaultContainerCredentialsAudience = "pods.eks.amazonaws.com";
    public const string DefaultContainerCredentialsMountPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";
    public const string DefaultContainerCredentialsVolumeName = "eks-pod-identity-token";
    public const string DefaultContainerCredentialsTokenPath = "eks-pod-identity-token";
    public const string DefaultContainerCredentialsFullUri = "http://169.254.170.23/v1/credentials";

    // ---- Token lifetime ----

    /// <summary>Default token lifetime in seconds (--token-expiration).</summary>
    public const long DefaultTokenExpiration = 86400;

    /// <summary>Kubernetes refuses projected tokens shorter than this; smaller values are raised.</summary>
    public const long MinTokenExpiration = 600;

    /// <summary>Lower bound of the jittered lifetime that replaces the default in container-credentials mode.</summary>
    public const long JitteredTokenExpirationMin = 79200;

    // ---- Pods ----

    /// <summary>ServiceAccount used when a pod names none.</summary>
    public const string DefaultServiceAccountName = "default";

    /// <summary>Node selector keys that mark a Windows pod.</summary>
    public const string OsLabel = "kubernetes.io/os";
    public const string BetaOsLabel = "beta.kubernetes.io/os";
    public const string WindowsOs = "windows";

    // ---- ConfigMap ----

    /// <summary>Name of the ConfigMap read with --watch-config-map.</summary>
    public const string ConfigMapName = "pod-identity-webhook";

    /// <summary>Key of the ConfigMap that holds the JSON identity table.</summary>
    public const string ConfigMapKey = "config";

    /// <summary>ConfigMap key namespace that matches every namespace.</summary>
    public const string AnyNamespace = "*";

    // ---- Admission ----

    public const string AdmissionV1 = "admission.k8s.io/v1";
    public const string AdmissionV1Beta1 = "admission.k8s.io/v1beta1";
    public const string AdmissionReviewKind = "AdmissionReview";
    public const string JsonPatchType = "JSONPatch";

    /// <summary>
    /// Default of --max-review-bytes. The API server refuses requests over 3 MiB, so no pod it
    /// stores is larger; a review wraps the pod with a little request metadata.
    /// </summary>
    public const long DefaultMaxReviewBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Default of --review-memory-budget: what all reviews in flight may hold together (bodies,
    /// parsed documents, patches, answers). Sixteen reviews of the largest size, or thousands
    /// of ordinary ones.
    /// </summary>
    public const long DefaultReviewMemoryBudget = 64 * 1024 * 1024;

    /// <summary>Largest JSON patch the webhook writes (about 2,500 containers' worth); a pod needing more is refused.</summary>
    public const int MaxPatchBytes = 1024 * 1024;

    /// <summary>
    /// Most JSON tokens a review may have (413 beyond): parsing costs 12 bytes per token whatever
    /// its size, so 300 KB of empty containers costs more than 3 MB of a real pod's strings.
    /// A pod with a thousand containers of twenty fields each is 100,000.
    /// </summary>
    public const long MaxReviewTokens = 200_000;

    /// <summary>Bodies up to this size reserve a fixed multiple of their size for parsing; larger ones are scanned first.</summary>
    public const int ScannedReviewBytes = 64 * 1024;

    /// <summary>How long a review waits for room in the memory budget before it is answered 503.</summary>
    public static readonly TimeSpan ReviewMemoryWait = TimeSpan.FromSeconds(1);

    /// <summary>A body that sends nothing for this long is dropped (Kestrel's data rate is an average; this is not).</summary>
    public static readonly TimeSpan ReviewBodyStallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The whole body must arrive within this, whatever its pace: the API server's own webhook timeout is at most 30 s and 10 s by default.</summary>
    public static readonly TimeSpan ReviewBodyDeadline = TimeSpan.FromSeconds(10);

    /// <summary>A peer that has not taken the whole answer within this is dropped and the answer released.</summary>
    public static readonly TimeSpan AnswerWriteTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Seconds in the Retry-After of a 503 for lack of memory.</summary>
    public const int RetryAfterSeconds = 1;

    // ---- Connections (Kestrel limits on the webhook port) ----

    /// <summary>Open connections at once, both ports together; more are closed on accept.</summary>
    public const int MaxConnections = 1024;

    /// <summary>Concurrent HTTP/2 streams per connection (Go's client opens another connection past it).</summary>
    public const int MaxStreamsPerConnection = 32;

    /// <summary>HTTP/2 flow-control windows: what a peer may send before the webhook reads it.</summary>
    public const int Http2ConnectionWindowBytes = 256 * 1024;

    public const int Http2StreamWindowBytes = 128 * 1024;

    /// <summary>Unread bytes Kestrel buffers per HTTP/1.1 connection before it stops reading the socket.</summary>
    public const int RequestBufferBytes = 64 * 1024;

    /// <summary>All request headers must arrive within this.</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    // ---- Endpoints ----

    public const string MutatePath = "/mutate";
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";
    public const string DebugCachePath = "/debug/alpha/cache";
    public const string DebugCacheClearPath = "/debug/alpha/cache/clear";

    /// <summary>Ours: what every identity source holds, with sync state (the reference's path has its shape).</summary>
    public const string DebugCacheDetailsPath = "/debug/alpha/cache/details";

    /// <summary>Webhook port, --enable-debugging-handlers: refuses every review (tests failurePolicy).</summary>
    public const string DebugDenyPath = "/debug/alpha/deny";

    /// <summary>Webhook port, --enable-debugging-handlers: answers HTTP 500 (tests failurePolicy).</summary>
    public const string DebugServerErrorPath = "/debug/alpha/500";
}
