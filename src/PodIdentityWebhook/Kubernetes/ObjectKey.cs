namespace PodIdentityWebhook.Kubernetes;

/// <summary>Identifies a cached object; Namespace is empty for cluster-scoped kinds.</summary>
internal readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? Name : Namespace + "/" + Name;
}
