using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// One structured log line per admission decision, with the pod (or its generateName),
/// namespace, ServiceAccount, mode (<see cref="IdentityModeNames"/>), what was mutated or why
/// nothing was, and how long it took; never a token or a whole object.
/// </summary>
internal static partial class AdmissionLog
{
    /// <summary>A Kubernetes name is at most 253 characters; anything longer in a review is hostile.</summary>
    internal const int MaxName = 253;

    /// <summary>Reasons and errors, which may quote the review.</summary>
    private const int MaxText = 512;

    public static void Outcome(ILogger logger, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        var durationMs = Math.Round(elapsed.TotalMilliseconds, 3);
        if (outcome.Decision is not { } decision)
        {
            if (outcome.Error is not null)
            {
                ReviewRejected(logger, outcome.StatusCode, Bounded(outcome.Error, MaxText), durationMs);
            }

            return;
        }

        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        // Every value below comes from the review: bounded, so a hostile review cannot make
        // a log line (and the logger's queue) megabytes long.
        var mode = IdentityModeNames.Of(decision.Identity);
        var pod = Bounded(decision.PodName, MaxName);
        var ns = Bounded(decision.Namespace, MaxName);
        var serviceAccount = Bounded(decision.ServiceAccount, MaxName);
        if (outcome.Error is not null)
        {
            var error = Bounded(outcome.Error, MaxText);
            PodRefused(logger, pod, ns, serviceAccount, mode, error, durationMs);
        }
        else if (decision.Mutation is { HasPatch: true } mutation)
        {
            logger.Log(LogLevel.Information, DecisionLine.MutatedEvent, DecisionLine.Mutated((pod, ns, serviceAccount), mode, mutation, durationMs), null, DecisionLine.Formatter);
        }
        else
        {
            var reason = Bounded(decision.Reason ?? "nothing to do", MaxText);
            logger.Log(LogLevel.Information, DecisionLine.NotMutatedEvent, DecisionLine.NotMutated((pod, ns, serviceAccount), mode, reason, durationMs), null, DecisionLine.Formatter);
        }
    }

    /// <summary>The value, or its first <paramref name="max"/> characters and its length.</summary>
    internal static string Bounded(string value, int max) =>
        value.Length <= max ? value : $"{value.AsSpan(0, max)}... ({value.Length} characters)";

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Review rejected with {StatusCode}: {Error} ({DurationMs} ms)")]
    private static partial void ReviewRejected(ILogger logger, int statusCode, string error, double durationMs);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "Pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}, mode {Mode}) refused: {Reason} ({DurationMs} ms)")]
    private static partial void PodRefused(
        ILogger logger, string pod, string Namespace, string serviceAccount, string mode, string reason, double durationMs);

    public static void BodyAbandoned(ILogger logger, string what, long startedTimestamp)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var durationMs = Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, 3);
            BodyAbandoned(logger, what, durationMs);
        }
    }

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Review body {What}; connection dropped after {DurationMs} ms")]
    private static partial void BodyAbandoned(ILogger logger, string what, double durationMs);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning,
        Message = "No room for a review of {Bytes} bytes in the review memory budget ({UsedBytes} of {BudgetBytes} bytes in use); answered 503")]
    public static partial void NoMemory(ILogger logger, long bytes, long usedBytes, long budgetBytes);

    [LoggerMessage(EventId = 106, Level = LogLevel.Debug, Message = "The client did not take the answer within {TimeoutSeconds} s; connection dropped")]
    public static partial void AnswerNotRead(ILogger logger, double timeoutSeconds);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "The webhook failed on a review it could read; answered 500")]
    public static partial void Failed(ILogger logger, Exception exception);
}
