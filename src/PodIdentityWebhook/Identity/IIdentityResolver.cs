namespace PodIdentityWebhook.Identity;

/// <summary>
/// Resolves (namespace, ServiceAccount) to an identity: container-credentials file first,
/// then ServiceAccount annotations, then the ConfigMap. Completes synchronously on a cache
/// hit; may wait (bounded) on a miss once the API client arrives.
/// </summary>
internal interface IIdentityResolver
{
    ValueTask<IdentityResolution> ResolveAsync(string @namespace, string serviceAccount, CancellationToken cancellationToken);
}
