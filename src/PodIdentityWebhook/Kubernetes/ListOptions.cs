namespace PodIdentityWebhook.Kubernetes;

/// <summary>What to list and watch: selectors, the page size, and how fresh the list must be.</summary>
/// <param name="Limit">Items per list page; 0 asks for everything at once.</param>
/// <param name="ResourceVersion">
/// The list's resourceVersion (its first page only): null for the latest, read through to etcd;
/// "0" for whatever the API server's watch cache holds, which it answers without etcd and in
/// one response, as client-go's informers list the first time.
/// </param>
internal sealed record ListOptions(string? LabelSelector = null, string? FieldSelector = null, int Limit = 500, string? ResourceVersion = null)
{
    /// <summary>An informer's first list: from the API server's watch cache.</summary>
    public ListOptions FirstList() => this with { ResourceVersion = "0" };
}
