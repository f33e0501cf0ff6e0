using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// One structured log line per admission decision, with the pod (or its generateName),
/// namespace, ServiceAccount, mode (<see cref="IdentityModeNames"/>), what was mutated or why
/// nothing was, and how long it took; never a token or a whole object.
/// </summary>
internal static partial class AdmissionLog
{
    public static void Outcome(ILogger logger, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        var durationMs = Math.Round(elapsed.TotalMilliseconds, 3);
        if (outcome.Decision is not { } decision)
        {
            if (outcome.Error is not null)
            {
                ReviewRejected(logger, outcome.StatusCode, outcome.Error, durationMs);
            }

            return;
        }

        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var mode = IdentityModeNames.Of(decision.Identity);
        if (outcome.Error is not null)
        {
            PodRefused(logger, decision.PodName, decision.Namespace, decision.ServiceAccount, mode, outcome.Error, durationMs);
        }
        else if (decision.Mutation is { HasPatch: true } mutation)
        {
            var containers = MutatedContainers(mutation);
            PodMutated(logger, decision.PodName, decision.Namespace, decision.ServiceAccount, mode,
                containers, mutation.PatchOperations, durationMs);
        }
        else
        {
            PodNotMutated(logger, decision.PodName, decision.Namespace, decision.ServiceAccount, mode,
                decision.Reason ?? "nothing to do", durationMs);
        }
    }

    private static string MutatedContainers(MutationResult mutation)
    {
        var names = new List<string>(mutation.Containers.Count);
        foreach (var container in mutation.Containers)
        {
            if (container.Outcome == ContainerOutcome.Mutated)
            {
                names.Add(container.Name);
            }
        }

        return string.Join(',', names);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Mutated pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}, mode {Mode}): containers {Containers}, {Operations} patch operations in {DurationMs} ms")]
    private static partial void PodMutated(
        ILogger logger, string pod, string Namespace, string serviceAccount, string mode, string containers, int operations, double durationMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "Pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}, mode {Mode}) not mutated: {Reason} ({DurationMs} ms)")]
    private static partial void PodNotMutated(
        ILogger logger, string pod, string Namespace, string serviceAccount, string mode, string reason, double durationMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Review rejected with {StatusCode}: {Error} ({DurationMs} ms)")]
    private static partial void ReviewRejected(ILogger logger, int statusCode, string error, double durationMs);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "Pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}, mode {Mode}) refused: {Reason} ({DurationMs} ms)")]
    private static partial void PodRefused(
        ILogger logger, string pod, string Namespace, string serviceAccount, string mode, string reason, double durationMs);
}
