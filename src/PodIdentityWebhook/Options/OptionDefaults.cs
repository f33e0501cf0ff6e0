namespace PodIdentityWebhook.Options;

/// <summary>
/// Defaults of the flags that are the reference's values (annotation prefix, audiences, mount
/// paths, token lifetime) and of ours (review size and memory).
/// </summary>
internal static class OptionDefaults
{
    /// <summary>Default for --annotation-prefix.</summary>
    public const string AnnotationPrefix = "eks.amazonaws.com";

    public const string TokenAudience = "sts.amazonaws.com";

    public const string TokenMountPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount";

    public const string ContainerCredentialsAudience = "pods.eks.amazonaws.com";

    public const string ContainerCredentialsMountPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";

    public const string ContainerCredentialsVolumeName = "eks-pod-identity-token";

    public const string ContainerCredentialsTokenPath = "eks-pod-identity-token";

    public const string ContainerCredentialsFullUri = "http://169.254.170.23/v1/credentials";

    /// <summary>Default token lifetime in seconds (--token-expiration).</summary>
    public const long TokenExpiration = 86400;

    /// <summary>
    /// Default of --max-review-bytes. The API server refuses requests over 3 MiB, so no pod it
    /// stores is larger; a review wraps the pod with a little request metadata.
    /// </summary>
    public const long MaxReviewBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Default of --review-memory-budget: what all reviews in flight may hold together (bodies,
    /// parsed documents, patches, answers). Sixteen reviews of the largest size, or thousands
    /// of ordinary ones.
    /// </summary>
    public const long ReviewMemoryBudget = 64 * 1024 * 1024;
}
