using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// A test that runs pods on the node cluster of scripts/cluster.sh, which scripts/test.sh
/// brings up in the suite's default mode. Against an existing cluster or k3s in a container
/// (<see cref="ClusterSelection"/>) there is no such cluster, and it is reported as skipped;
/// so it is with <c>E2E_NODE_CLUSTER=skip</c>, for machines that cannot build the node
/// (GitHub's Ubuntu runners).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeClusterFactAttribute : FactAttribute
{
    public const string SkipVariable = "E2E_NODE_CLUSTER";

    public const string SkipReason =
        $"runs pods on scripts/cluster.sh's node cluster; {ClusterSelection.ClusterVariable} or {ClusterSelection.ExistingClusterVariable} selects another cluster, or {SkipVariable}=skip";

    public NodeClusterFactAttribute()
    {
        if (Skipped)
        {
            Skip = SkipReason;
        }
    }

    /// <summary>True where there is no node cluster to run on.</summary>
    public static bool Skipped =>
        !ClusterSelection.UsesOwnControlPlane || Environment.GetEnvironmentVariable(SkipVariable) == "skip";
}
