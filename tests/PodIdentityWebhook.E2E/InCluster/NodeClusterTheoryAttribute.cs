namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>The theory form of <see cref="NodeClusterFactAttribute"/>: skipped where there is no node cluster.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeClusterTheoryAttribute : TheoryAttribute
{
    public NodeClusterTheoryAttribute()
    {
        if (NodeClusterFactAttribute.Skipped)
        {
            Skip = NodeClusterFactAttribute.SkipReason;
        }
    }
}
