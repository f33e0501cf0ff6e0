using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// A test that runs pods on the node cluster of scripts/cluster.sh, which scripts/test.sh
/// brings up in the suite's default mode. Against an existing cluster or k3s in a container
/// (<see cref="ClusterSelection"/>) there is no such cluster, and it is reported as skipped.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeClusterFactAttribute : FactAttribute
{
    public const string SkipReason =
        $"runs pods on scripts/cluster.sh's node cluster; {ClusterSelection.ClusterVariable} or {ClusterSelection.ExistingClusterVariable} selects another cluster";

    public NodeClusterFactAttribute()
    {
        if (!ClusterSelection.UsesOwnControlPlane)
        {
            Skip = SkipReason;
        }
    }
}
