using k8s.Models;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The API calls the webhook makes, typed: list+watch of ServiceAccounts and of the
/// ConfigMaps of one namespace, and a GET of one ServiceAccount. Narrow so tests and the
/// memory benchmark can stand in for the API server.
/// </summary>
internal interface IKubernetesApi
{
    /// <summary>The cluster-wide ServiceAccount collection.</summary>
    IListWatch<V1ServiceAccount> ServiceAccounts { get; }

    /// <summary>The ConfigMaps of one namespace.</summary>
    IListWatch<V1ConfigMap> ConfigMaps(string @namespace);

    /// <summary>The ServiceAccount, or null on 404; other errors are a <see cref="KubernetesApiException"/>.</summary>
    Task<V1ServiceAccount?> GetServiceAccountAsync(string @namespace, string name, CancellationToken cancellationToken);
}
