namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>All suites share one control plane and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ControlPlaneGroup : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "control plane";
}
