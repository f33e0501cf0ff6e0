namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>One way a peer inside the cluster can try to exhaust the webhook, run until the token fires.</summary>
/// <param name="Name">Short name for tables and test names.</param>
/// <param name="Attack">Sends the hostile traffic; records what the webhook answered.</param>
internal sealed record AttackScenario(string Name, Func<AttackTarget, CancellationToken, Task> Attack)
{
    public override string ToString() => Name;
}
