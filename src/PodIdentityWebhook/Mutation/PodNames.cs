namespace PodIdentityWebhook.Mutation;

/// <summary>
/// What the mutation writes into pods and reads from them: annotations, labels, environment
/// variables, volume names. Values match the reference so the same manifests produce the same pods.
/// </summary>
internal static class PodNames
{
    /// <summary>Pod: comma-separated (CSV) container names left untouched.</summary>
    public const string SkipContainersAnnotation = "skip-containers";

    /// <summary>Set on pods mutated for EKS Pod Identity (container credentials).</summary>
    public const string PodIdentityLabel = "eks.amazonaws.com/pod-identity";

    /// <summary>Value of <see cref="PodIdentityLabel"/>.</summary>
    public const string PodIdentityLabelValue = "enabled";

    public const string AwsRoleArnEnv = "AWS_ROLE_ARN";

    public const string AwsWebIdentityTokenFileEnv = "AWS_WEB_IDENTITY_TOKEN_FILE";

    public const string AwsContainerCredentialsFullUriEnv = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

    public const string AwsContainerAuthorizationTokenFileEnv = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

    public const string AwsRegionEnv = "AWS_REGION";

    public const string AwsDefaultRegionEnv = "AWS_DEFAULT_REGION";

    public const string AwsStsRegionalEndpointsEnv = "AWS_STS_REGIONAL_ENDPOINTS";

    /// <summary>Value of <see cref="AwsStsRegionalEndpointsEnv"/> when regional STS applies.</summary>
    public const string RegionalStsValue = "regional";

    /// <summary>Name of the projected token volume and its mounts.</summary>
    public const string WebIdentityVolumeName = "aws-iam-token";

    /// <summary>File name of the token inside the volume.</summary>
    public const string WebIdentityTokenPath = "token";

    /// <summary>Lower bound of the jittered lifetime that replaces the default in container-credentials mode.</summary>
    public const long JitteredTokenExpirationMin = 79200;

    /// <summary>Node selector keys that mark a Windows pod.</summary>
    public const string OsLabel = "kubernetes.io/os";

    public const string BetaOsLabel = "beta.kubernetes.io/os";

    public const string WindowsOs = "windows";
}
