namespace PodIdentityWebhook.Identity;

/// <summary>
/// One value of the <c>pod-identity-webhook</c> ConfigMap table, defaulted from the flags
/// (audience, regional STS when absent, token expiration 0 → default). <paramref name="Namespace"/>
/// is the namespace part of the key it came from (<c>*</c> for any namespace), so whoever finds
/// it knows which key matched without looking again.
/// </summary>
internal sealed record ConfigMapEntry(
    string Namespace,
    string RoleArn,
    string Audience,
    bool UseRegionalSts,
    long TokenExpiration);
