namespace PodIdentityWebhook.Identity;

/// <summary>
/// One value of the <c>pod-identity-webhook</c> ConfigMap table, defaulted from the flags
/// (audience, regional STS when absent, token expiration 0 → default).
/// </summary>
internal sealed record ConfigMapEntry(
    string RoleArn,
    string Audience,
    bool UseRegionalSts,
    long TokenExpiration);
