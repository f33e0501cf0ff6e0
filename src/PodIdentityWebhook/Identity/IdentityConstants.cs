namespace PodIdentityWebhook.Identity;

/// <summary>
/// Values only the identity sources need; everything pods see lives in
/// <see cref="Mutation.PodNames"/>.
/// </summary>
internal static class IdentityConstants
{
    /// <summary>Instance metadata service, used when AWS_EC2_METADATA_SERVICE_ENDPOINT is unset.</summary>
    public const string DefaultImdsEndpoint = "http://169.254.169.254";

    /// <summary>IMDSv2 session token request (PUT).</summary>
    public const string ImdsTokenPath = "/latest/api/token";

    /// <summary>Instance identity document (GET), holds accountId and region.</summary>
    public const string ImdsIdentityDocumentPath = "/latest/dynamic/instance-identity/document";

    /// <summary>Header asking IMDSv2 for a token of the given lifetime.</summary>
    public const string ImdsTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

    /// <summary>Header carrying the IMDSv2 token; the AWS SDKs use six hours.</summary>
    public const string ImdsTokenHeader = "X-aws-ec2-metadata-token";

    /// <summary>Token lifetime asked for, in seconds (the SDK default).</summary>
    public const string ImdsTokenTtlSeconds = "21600";

    /// <summary>Flag names, for startup messages.</summary>
    public const string ServiceAccountsFileFlag = "--service-accounts-file";
    public const string ContainerCredentialsConfigFlag = "--watch-container-credentials-config";
    public const string ComposeRoleArnFlag = "--compose-role-arn";

    /// <summary>ServiceAccount namespace when a file entry names none, as kubectl does.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>ServiceAccount: the IAM role to assume (required for IRSA).</summary>
    public const string RoleArnAnnotation = "role-arn";

    /// <summary>ServiceAccount: audience of the projected token (default --token-audience).</summary>
    public const string AudienceAnnotation = "audience";

    /// <summary>ServiceAccount: "true"/"false", overrides --sts-regional-endpoint.</summary>
    public const string StsRegionalEndpointsAnnotation = "sts-regional-endpoints";

    /// <summary>ServiceAccount or pod: token lifetime in seconds; the pod's wins.</summary>
    public const string TokenExpirationAnnotation = "token-expiration";

    /// <summary>Standard AWS SDK variable that overrides the instance metadata endpoint.</summary>
    public const string Ec2MetadataEndpointEnv = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

    /// <summary>Kubernetes refuses projected tokens shorter than this; smaller values are raised.</summary>
    public const long MinTokenExpiration = 600;

    /// <summary>Name of the ConfigMap read with --watch-config-map.</summary>
    public const string ConfigMapName = "pod-identity-webhook";

    /// <summary>Key of the ConfigMap that holds the JSON identity table.</summary>
    public const string ConfigMapKey = "config";

    /// <summary>ConfigMap key namespace that matches every namespace.</summary>
    public const string AnyNamespace = "*";
}
