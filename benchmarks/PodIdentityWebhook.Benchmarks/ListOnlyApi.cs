using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Benchmarks;

/// <summary>An API that lists prepared ServiceAccount pages and holds every watch open until cancelled.</summary>
internal sealed class ListOnlyApi(IReadOnlyList<byte[]> pages) : IKubernetesApi, IListWatch<V1ServiceAccount>
{
    public IListWatch<V1ServiceAccount> ServiceAccounts => this;

    public string Path => "/api/v1/serviceaccounts";

    public IListWatch<V1ConfigMap> ConfigMaps(string @namespace) => throw new NotSupportedException();

    public Task<V1ServiceAccount?> GetServiceAccountAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult<V1ServiceAccount?>(null);

    public Task<ListPage<V1ServiceAccount>> ListAsync(ListOptions options, string? continueToken, CancellationToken cancellationToken)
    {
        var index = continueToken is null ? 0 : int.Parse(continueToken, System.Globalization.CultureInfo.InvariantCulture);
        using var page = new MemoryStream(pages[index], writable: false);
        return Task.FromResult(ListPage<V1ServiceAccount>.Of(KubernetesJson.Deserialize<V1ServiceAccountList>(page)));
    }

    public async IAsyncEnumerable<WatchEvent<V1ServiceAccount>> WatchAsync(
        ListOptions options, string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
