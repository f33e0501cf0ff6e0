namespace PodIdentityWebhook.Identity;

/// <summary>Outcome of resolving a pod's ServiceAccount.</summary>
/// <param name="Identity">The identity, or null when the pod gets nothing.</param>
/// <param name="Reason">Why there is no identity (null when there is one).</param>
/// <param name="ServiceAccountFound">Whether the ServiceAccount itself was known.</param>
internal sealed record IdentityResolution(PodIdentity? Identity, string? Reason, bool ServiceAccountFound);
