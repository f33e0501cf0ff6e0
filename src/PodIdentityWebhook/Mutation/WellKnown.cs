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
    /// Largest accepted review body. The API server stores objects up to 3 MiB; a review
    /// wraps the object with request metadata, so leave generous headroom.
    /// </summary>
    public const long MaxReviewBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Reviews larger than this (an ordinary pod's is a few kilobytes) are handled one at a
    /// time, so their megabyte patches never pile up in memory.
    /// </summary>
    public const long LargeReviewBytes = 256 * 1024;

    // ---- Endpoints ----

    public const string MutatePath = "/mutate";
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";
    public const string DebugCachePath = "/debug/alpha/cache";
    public const string DebugCacheClearPath = "/debug/alpha/cache/clear";
}
