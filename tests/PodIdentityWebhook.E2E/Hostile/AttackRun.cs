using System.Diagnostics;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Webhook;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>
/// Runs one <see cref="AttackScenario"/> against a running webhook while an
/// <see cref="OrdinaryProbe"/> keeps sending ordinary reviews, samples the webhook's resident
/// memory throughout, then watches it come back down.
/// </summary>
internal static class AttackRun
{
    /// <summary>
    /// The heap limit .NET derives from a 256Mi container limit (75%): 192 MiB, in hex without
    /// 0x. The Native AOT runtime ignores a value with the 0x prefix, leaving the heap unlimited.
    /// </summary>
    public const string ContainerHeapLimit = "C000000";

    /// <summary>Starts the published webhook as it runs in a 256Mi container.</summary>
    public static Task<RunningWebhook> StartWebhookAsync() =>
        RunningWebhook.StartLocalAsync(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = ContainerHeapLimit }, "--aws-default-region", "us-west-2");

    /// <param name="recoveryWait">How long to watch memory after the attack.</param>
    /// <param name="untilRecovered">Stop watching as soon as memory is back within <see cref="AttackResult.RecoveryFactor"/>.</param>
    public static async Task<AttackResult> RunAsync(
        AttackScenario scenario, RunningWebhook webhook, TimeSpan duration, TimeSpan recoveryWait, bool untilRecovered)
    {
        var target = new AttackTarget(webhook.Url, KubeRest.Trusting(webhook.CaPem));
        var probe = new OrdinaryProbe(target);
        var memory = new ProcessMemory(webhook.ProcessId);
        await probe.WarmAsync();
        memory.Sample();
        var start = memory.Last;

        using (var stop = new CancellationTokenSource(duration))
        {
            var attack = Task.Run(() => scenario.Attack(target, stop.Token));
            var probing = probe.RunAsync(stop.Token);
            while (!stop.IsCancellationRequested && memory.Sample())
            {
                await Task.Delay(250, CancellationToken.None);
            }

            await probing;

            // The attackers let go when the token fires; one that cannot is abandoned.
            await Task.WhenAny(attack, Task.Delay(TimeSpan.FromSeconds(30)));
        }

        var peak = memory.Peak;
        var watch = Stopwatch.StartNew();
        var alive = memory.Sample();
        while (alive && watch.Elapsed < recoveryWait && !(untilRecovered && memory.Last <= start * AttackResult.RecoveryFactor))
        {
            await Task.Delay(1000);
            alive = memory.Sample();
        }

        return new AttackResult(
            scenario.Name, alive, start, peak, memory.Last, watch.Elapsed, target.Outcomes, target.ServerErrors,
            probe.Answered, probe.Failures, probe.P99Ms, webhook.ErrorLines());
    }
}
