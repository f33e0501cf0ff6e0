using System.Runtime.CompilerServices;
using System.Text.Json;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Benchmarks;

/// <summary>An API that lists prepared pages and holds every watch open until cancelled.</summary>
internal sealed class ListOnlyApi(IReadOnlyList<byte[]> pages) : IKubernetesApi
{
    public Task<ListPage> ListAsync(string path, ListOptions options, string? continueToken, CancellationToken cancellationToken)
    {
        var index = continueToken is null ? 0 : int.Parse(continueToken, System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult(new ListPage(JsonDocument.Parse(pages[index])));
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string path, ListOptions options, string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    public Task<JsonDocument?> GetAsync(string path, CancellationToken cancellationToken) => Task.FromResult<JsonDocument?>(null);
}
