namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>
/// The attacks measure memory and latency of a process on a 2-core machine: they run alone,
/// after every other test, so neither they nor the control-plane tests disturb each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileTrafficGroup
{
    public const string Name = "hostile traffic";
}
