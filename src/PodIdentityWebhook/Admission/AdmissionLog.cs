using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Admission;

/// <summary>One structured log line per admission decision; never a token or a whole object.</summary>
internal static partial class AdmissionLog
{
    public static void Outcome(ILogger logger, AdmissionOutcome outcome)
    {
        if (outcome.Decision is not { } decision)
        {
            if (outcome.Error is not null)
            {
                ReviewRejected(logger, outcome.StatusCode, outcome.Error);
            }

            return;
        }

        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        if (decision.Mutation is { HasPatch: true } mutation)
        {
            var containers = string.Join(',', mutation.Containers
                .Where(c => c.Outcome == Mutation.ContainerOutcome.Mutated)
                .Select(c => c.Name));
            PodMutated(logger, decision.PodName, decision.Namespace, decision.ServiceAccount,
                decision.Identity?.Mode ?? IdentityMode.WebIdentity, containers, mutation.PatchOperations);
        }
        else
        {
            PodNotMutated(logger, decision.PodName, decision.Namespace, decision.ServiceAccount,
                decision.Reason ?? "nothing to do");
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Mutated pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}, mode {Mode}): containers {Containers}, {Operations} patch operations")]
    private static partial void PodMutated(
        ILogger logger, string pod, string @namespace, string serviceAccount, IdentityMode mode, string containers, int operations);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "Pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}) not mutated: {Reason}")]
    private static partial void PodNotMutated(ILogger logger, string pod, string @namespace, string serviceAccount, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Review rejected with {StatusCode}: {Error}")]
    private static partial void ReviewRejected(ILogger logger, int statusCode, string error);
}
