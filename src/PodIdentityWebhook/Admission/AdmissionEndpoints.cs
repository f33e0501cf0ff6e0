using System.Diagnostics;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// The <c>/mutate</c> endpoint: HTTP concerns only (content type, size, memory, status codes).
/// Every byte a review holds (its body, parsed form, patch and answer) is counted in the
/// process-wide <see cref="ReviewMemoryBudget"/> before it is allocated.
/// </summary>
internal static class AdmissionEndpoints
{
    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder endpoints)
    {
        // Everything a review needs is a singleton, resolved once here: context.RequestServices
        // would open (and dispose) a DI scope per review for nothing.
        var services = new Services(endpoints.ServiceProvider);
        endpoints.MapPost(AdmissionConstants.MutatePath, context => MutateAsync(context, services));
        return endpoints;
    }

    private static async Task MutateAsync(HttpContext context, Services services)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = WebhookActivities.Source.StartActivity(WebhookActivities.AdmissionReview);
        var request = context.Request;
        var response = context.Response;
        var log = services.Log;
        if (!IsJson(request.ContentType))
        {
            await PlainAsync(response, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type must be application/json, not \"{request.ContentType}\"");
            return;
        }

        var maxBytes = services.Options.MaxReviewBytes;
        var budget = services.Budget;
        using var lease = budget.Open();
        using var body = await ReviewBodyReader.ReadAsync(request, lease, maxBytes, TimeProvider.System, context.RequestAborted);
        switch (body.Status)
        {
            case ReviewBodyStatus.TooLarge:
                CloseAfterAnswer(context);
                await PlainAsync(response, StatusCodes.Status413PayloadTooLarge, $"the review is larger than {maxBytes} bytes (--max-review-bytes)");
                return;
            case ReviewBodyStatus.NoMemory:
                // The rest of the body is not read, so the connection closes after the 503 (the
                // client retries on a new one). Kestrel still reads and discards what the client
                // goes on sending before it closes, so the client reads the 503, not a reset.
                CloseAfterAnswer(context);
                await NoMemoryAsync(response, log, budget, lease.Bytes, lease.IsLarge);
                return;
            case ReviewBodyStatus.Malformed:
                CloseAfterAnswer(context);
                await PlainAsync(response, StatusCodes.Status400BadRequest, $"the request body could not be read: {body.Error}");
                return;
            case ReviewBodyStatus.Stalled:
                AdmissionLog.BodyAbandoned(log, "stalled", started);
                context.Abort();
                return;
            case ReviewBodyStatus.Aborted:
                // Abort too: a read cancelled mid-flight leaves Kestrel's body reader unable to
                // drain the rest, which it would log as an error.
                AdmissionLog.BodyAbandoned(log, "cut off by the client", started);
                context.Abort();
                return;
            case ReviewBodyStatus.Broken:
                AdmissionLog.BodyAbandoned(log, $"lost with its connection ({body.Error})", started);
                context.Abort();
                return;
        }

        var bytes = body.Bytes!;
        var bodyReserved = lease.Bytes;
        var (parse, tokens) = ReviewMemoryEstimate.Of(bytes.WrittenSpan, AdmissionReviewHandler.MaxDepth);
        if (tokens > AdmissionConstants.MaxReviewTokens)
        {
            await PlainAsync(response, StatusCodes.Status413PayloadTooLarge,
                $"the review has {tokens} JSON tokens, more than the {AdmissionConstants.MaxReviewTokens} any pod needs");
            return;
        }

        if (!await lease.TryGrowAsync(bodyReserved + parse, AdmissionConstants.ReviewMemoryWait, context.RequestAborted))
        {
            await NoMemoryAsync(response, log, budget, bodyReserved + parse, lease.IsLarge);
            return;
        }

        using var output = AnswerWriter(lease);
        if (output is null)
        {
            await NoMemoryAsync(response, log, budget, lease.Bytes + AnswerBufferBytes, lease.IsLarge);
            return;
        }

        AdmissionOutcome outcome;
        try
        {
            var handler = services.Handler;
            outcome = await handler.HandleAsync(new(bytes.WrittenMemory), output, context.RequestAborted, lease);
        }
        catch (ReviewMemoryExhaustedException)
        {
            await NoMemoryAsync(response, log, budget, lease.Bytes, lease.IsLarge);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The review was readable (AdmissionReviewHandler checks that first), so this is
            // the webhook's own fault: say so, never "bad request".
            AdmissionLog.Failed(log, ex);
            await PlainAsync(response, StatusCodes.Status500InternalServerError, "the webhook failed on this review; its log has the error (event 107)");
            return;
        }

        // Only the answer is held from here on, for as long as the client takes to read it.
        lease.Remove(parse);
        body.Dispose();
        lease.Remove(bodyReserved);

        var elapsed = Stopwatch.GetElapsedTime(started);
        Count(services.Metrics, outcome, elapsed);
        Describe(activity, outcome);
        AdmissionLog.Outcome(log, outcome, elapsed);
        if (outcome.StatusCode != StatusCodes.Status200OK)
        {
            await PlainAsync(response, outcome.StatusCode, outcome.Error ?? "bad request");
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = output.WrittenCount;
        await WriteAnswerAsync(context, output.WrittenMemory, log);
    }

    /// <summary>What the answer's buffer takes from the budget before the first byte is written.</summary>
    private const int AnswerBufferBytes = 4096;

    /// <summary>
    /// The answer's buffer, or null when the budget has no room for it: its first array is
    /// taken as it is made, before the handler (whose memory failures are caught) runs, and
    /// running out there was an unhandled exception, a 500, under memory pressure.
    /// </summary>
    private static PooledBufferWriter? AnswerWriter(ReviewMemoryBudget.Lease lease)
    {
        try
        {
            return new PooledBufferWriter(AnswerBufferBytes, lease);
        }
        catch (ReviewMemoryExhaustedException)
        {
            return null;
        }
    }

    /// <summary>Writes the answer, dropping a client that does not take it in time, so the answer is released.</summary>
    private static async Task WriteAnswerAsync(HttpContext context, ReadOnlyMemory<byte> answer, ILogger log)
    {
        // Kestrel takes an ordinary answer at once; only a write that has to wait gets a timer.
        var write = context.Response.Body.WriteAsync(answer, context.RequestAborted);
        if (write.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await write.AsTask().WaitAsync(AdmissionConstants.AnswerWriteTimeout);
        }
        catch (TimeoutException)
        {
            AdmissionLog.AnswerNotRead(log, AdmissionConstants.AnswerWriteTimeout.TotalSeconds);
            context.Abort();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away mid-answer; nothing is left to do.
        }
    }

    private static Task NoMemoryAsync(HttpResponse response, ILogger log, ReviewMemoryBudget budget, long bytes, bool large)
    {
        if (!budget.CanEverFit(bytes, large))
        {
            return PlainAsync(response, StatusCodes.Status413PayloadTooLarge,
                $"the review would need {bytes} bytes of memory to handle, more than --review-memory-budget allows one review");
        }

        AdmissionLog.NoMemory(log, bytes, budget.UsedBytes, budget.TotalBytes);
        response.Headers.RetryAfter = RetryAfter;
        return PlainAsync(response, StatusCodes.Status503ServiceUnavailable,
            "the webhook is handling as many reviews as its memory budget allows; retry shortly");
    }

    private static readonly string RetryAfter = AdmissionConstants.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Count(WebhookMetrics metrics, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        metrics.Admission(elapsed);

        // As the reference: every pod resolved to an identity counts, patched or not (a
        // reinvocation that changes nothing included).
        if (outcome.Decision?.Identity is { } identity)
        {
            metrics.IdentitySeen();
            metrics.PodMutated(IdentityModeNames.Of(identity.Mode));
        }

        if (outcome.NotMutated is { } reason)
        {
            metrics.PodNotMutated(reason);
        }
    }

    /// <summary>The review's facts on its trace: what a log line says, without the pod's name.</summary>
    private static void Describe(Activity? activity, AdmissionOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("http.response.status_code", outcome.StatusCode);
        if (outcome.Decision is { } decision)
        {
            activity.SetTag("k8s.namespace.name", decision.Namespace);
            activity.SetTag("pod_identity_webhook.service_account", decision.ServiceAccount);
            activity.SetTag("pod_identity_webhook.method", IdentityModeNames.Of(decision.Identity));
        }

        if (outcome.NotMutated is { } reason)
        {
            activity.SetTag("pod_identity_webhook.not_mutated_reason", reason);
        }

        if (outcome.StatusCode != StatusCodes.Status200OK)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }
    }

    /// <summary>The singletons a review uses.</summary>
    private sealed class Services(IServiceProvider provider)
    {
        public ILogger Log { get; } = provider.GetRequiredService<ILogger<AdmissionReviewHandler>>();

        public WebhookOptions Options { get; } = provider.GetRequiredService<WebhookOptions>();

        public ReviewMemoryBudget Budget { get; } = provider.GetRequiredService<ReviewMemoryBudget>();

        public AdmissionReviewHandler Handler { get; } = provider.GetRequiredService<AdmissionReviewHandler>();

        public WebhookMetrics Metrics { get; } = provider.GetRequiredService<WebhookMetrics>();
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Over HTTP/1.x the connection closes after the answer (HTTP/2 ends just the stream): after
    /// a body the webhook did not read whole, so the connection serves no further review (Kestrel
    /// still reads and discards the rest first, so the client is not reset before it reads the
    /// answer), and for every answer while the shutdown drain runs (Hosting's DrainConnections).
    /// </summary>
    internal static void CloseAfterAnswer(HttpContext context)
    {
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    /// <summary>A short text answer, flushed at once so it reaches a client that is still sending.</summary>
    private static async Task PlainAsync(HttpResponse response, int statusCode, string message)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(message + "\n");
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
        await response.Body.FlushAsync();
    }
}
