namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>The tests that run pods share the one node cluster and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class NodeClusterGroup : ICollectionFixture<NodeCluster>
{
    public const string Name = "node cluster";
}
