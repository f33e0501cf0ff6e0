namespace PodIdentityWebhook.Kubernetes;

/// <summary>One collection an <see cref="Informer{TObject, T}"/> lists and watches.</summary>
internal interface IListWatch<TObject>
{
    /// <summary>The collection's API path, e.g. <c>/api/v1/serviceaccounts</c>, for logs and the watch.</summary>
    string Path { get; }

    /// <summary>One page of the list; 410 (an expired continue token) is a <see cref="KubernetesApiException"/> with IsExpired.</summary>
    Task<ListPage<TObject>> ListAsync(ListOptions options, string? continueToken, CancellationToken cancellationToken);

    /// <summary>
    /// Events from <paramref name="resourceVersion"/> on, read as they arrive. Ends when the
    /// server closes the watch; an ERROR event, or a response of 410, throws
    /// <see cref="KubernetesApiException"/> (IsExpired for 410).
    /// </summary>
    IAsyncEnumerable<WatchEvent<TObject>> WatchAsync(ListOptions options, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);
}
