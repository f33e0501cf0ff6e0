namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// A test's namespace in the node cluster. Disposing it deletes the namespace and what is in
/// it, and the cluster-scoped objects the test labelled <see cref="OwnerLabel"/>=name.
/// </summary>
public sealed class TestNamespace(NodeCluster cluster, string name) : IAsyncDisposable
{
    public const string OwnerLabel = "pod-identity-webhook.test/namespace";

    public string Name { get; } = name;

    public async ValueTask DisposeAsync()
    {
        await cluster.TryKubectlAsync("delete", "clusterrolebindings,clusterroles,mutatingwebhookconfigurations", "-l", $"{OwnerLabel}={Name}");
        await cluster.TryKubectlAsync("delete", "namespace", Name, "--wait=false");
    }
}
