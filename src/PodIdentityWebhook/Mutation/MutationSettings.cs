using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Mutation;

/// <summary>
/// The flag values the mutation core reads, with annotation keys composed once at start so
/// the hot path never concatenates strings.
/// </summary>
internal sealed record MutationSettings
{
    public required string TokenExpirationAnnotationKey { get; init; }
    public required string SkipContainersAnnotationKey { get; init; }
    public required string TokenMountPath { get; init; }
    public required string AwsDefaultRegion { get; init; }
    public required string ContainerCredentialsTokenMountPath { get; init; }
    public required string ContainerCredentialsTokenVolumeName { get; init; }
    public required string ContainerCredentialsTokenPath { get; init; }
    public required string ContainerCredentialsFullUri { get; init; }

    public static MutationSettings From(WebhookOptions options) => new()
    {
        TokenExpirationAnnotationKey = options.AnnotationPrefix + "/" + IdentityConstants.TokenExpirationAnnotation,
        SkipContainersAnnotationKey = options.AnnotationPrefix + "/" + PodNames.SkipContainersAnnotation,
        TokenMountPath = options.TokenMountPath,
        AwsDefaultRegion = options.AwsDefaultRegion,
        ContainerCredentialsTokenMountPath = options.ContainerCredentialsTokenMountPath,
        ContainerCredentialsTokenVolumeName = options.ContainerCredentialsTokenVolumeName,
        ContainerCredentialsTokenPath = options.ContainerCredentialsTokenPath,
        ContainerCredentialsFullUri = options.ContainerCredentialsFullUri,
    };
}
