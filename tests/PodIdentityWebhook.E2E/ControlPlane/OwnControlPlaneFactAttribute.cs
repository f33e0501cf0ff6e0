namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// A test that stops the API server or starts another one on its etcd: it runs against the
/// suite's own control plane and is reported as skipped against an existing cluster
/// (<see cref="ClusterSelection.ExistingClusterVariable"/>) or k3s in a container
/// (<see cref="ClusterSelection.ClusterVariable"/>), where it cannot.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OwnControlPlaneFactAttribute : FactAttribute
{
    public OwnControlPlaneFactAttribute()
    {
        if (!ClusterSelection.UsesOwnControlPlane)
        {
            Skip = $"needs the suite's own control plane; {ClusterSelection.ClusterVariable} or {ClusterSelection.ExistingClusterVariable} selects another cluster";
        }
    }
}
