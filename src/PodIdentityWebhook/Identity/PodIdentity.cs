namespace PodIdentityWebhook.Identity;

/// <summary>Which credentials a pod gets.</summary>
internal enum IdentityMode
{
    /// <summary>IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE.</summary>
    WebIdentity,

    /// <summary>EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_FULL_URI + authorization token file.</summary>
    ContainerCredentials,
}

/// <summary>The resolved identity of a pod, before pod-level annotations apply.</summary>
/// <param name="RoleArn">Null in container-credentials mode.</param>
/// <param name="Source">Human-readable origin, for logs and the explain command.</param>
internal sealed record PodIdentity(
    IdentityMode Mode,
    string? RoleArn,
    string Audience,
    bool UseRegionalSts,
    long TokenExpiration,
    string Source);
