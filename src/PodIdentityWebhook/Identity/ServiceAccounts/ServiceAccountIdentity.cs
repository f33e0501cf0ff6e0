namespace PodIdentityWebhook.Identity;

/// <summary>
/// What the webhook needs to know about one ServiceAccount: the parsed answer, never the
/// object. Values are already defaulted from the flags.
/// </summary>
/// <param name="RoleArn">Role ARN after optional composition; null when not annotated.</param>
/// <param name="Audience">Projected token audience.</param>
/// <param name="UseRegionalSts">Whether AWS_STS_REGIONAL_ENDPOINTS=regional is injected.</param>
/// <param name="TokenExpiration">Token lifetime in seconds, at least the minimum.</param>
internal sealed record ServiceAccountIdentity(
    string Namespace,
    string Name,
    string? ResourceVersion,
    string? RoleArn,
    string Audience,
    bool UseRegionalSts,
    long TokenExpiration);
