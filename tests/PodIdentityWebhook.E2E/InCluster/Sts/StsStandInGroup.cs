namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>The STS tests share one published client and the cluster's facts.</summary>
[CollectionDefinition(Name)]
public sealed class StsStandInGroup : ICollectionFixture<StsClusterFixture>
{
    public const string Name = "sts stand-in";
}
