using System.Text.Json;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The three API calls the webhook makes. Narrow on purpose: a full Kubernetes client
/// library could stand behind it. Paths are API paths such as <c>/api/v1/serviceaccounts</c>.
/// </summary>
internal interface IKubernetesApi
{
    /// <summary>One page of a list; 410 (expired continue token) is a <see cref="KubernetesApiException"/> with IsExpired.</summary>
    Task<ListPage> ListAsync(string path, ListOptions options, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Events from <paramref name="resourceVersion"/> on, read as they arrive. Ends when the
    /// server closes the watch; an ERROR event, or a response of 410, throws
    /// <see cref="KubernetesApiException"/> (IsExpired for 410).
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(string path, ListOptions options, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The object, or null on 404. The caller disposes the document.</summary>
    Task<JsonDocument?> GetAsync(string path, CancellationToken cancellationToken);
}
