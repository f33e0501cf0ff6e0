using k8s;
using k8s.Models;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>One page of a list.</summary>
/// <param name="ResourceVersion">The list's resourceVersion: a watch from it misses nothing.</param>
/// <param name="Continue">The token for the next page; null on the last page.</param>
internal sealed record ListPage<TObject>(IList<TObject> Items, string ResourceVersion, string? Continue)
{
    public static ListPage<TObject> Of<TList>(TList list)
        where TList : IKubernetesObject<V1ListMeta>, IItems<TObject> =>
        new(list.Items ?? [], list.Metadata?.ResourceVersion ?? "", list.Metadata?.ContinueProperty is { Length: > 0 } token ? token : null);
}
