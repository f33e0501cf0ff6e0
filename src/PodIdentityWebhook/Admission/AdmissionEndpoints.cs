using System.Diagnostics;
using System.IO.Pipelines;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Admission;

/// <summary>The <c>/mutate</c> endpoint: HTTP concerns only (content type, size, status codes).</summary>
internal static class AdmissionEndpoints
{
    /// <summary>
    /// Reviews above <see cref="WellKnown.LargeReviewBytes"/> are handled one at a time: a pod
    /// with thousands of containers yields a patch of megabytes, and a few of those at once
    /// must not take the memory every ordinary review needs.
    /// </summary>
    private static readonly SemaphoreSlim LargeReviews = new(1, 1);

    public static IEndpointRouteBuilder MapAdmission(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(WellKnown.MutatePath, MutateAsync);
        return endpoints;
    }

    internal static async Task MutateAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var response = context.Response;
        var log = context.RequestServices.GetRequiredService<ILogger<AdmissionReviewHandler>>();
        if (!IsJson(request.ContentType))
        {
            await PlainAsync(response, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type must be application/json, not \"{request.ContentType}\"");
            return;
        }

        if (request.ContentLength > WellKnown.MaxReviewBytes)
        {
            await PlainAsync(response, StatusCodes.Status413PayloadTooLarge, TooLarge);
            return;
        }

        var handler = context.RequestServices.GetRequiredService<AdmissionReviewHandler>();
        var reader = request.BodyReader;
        ReadResult read;
        try
        {
            read = await ReadWholeBodyAsync(reader, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            await PlainAsync(response, ex.StatusCode, $"the request body could not be read: {ex.Message}");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (read.Buffer.Length > WellKnown.MaxReviewBytes)
        {
            reader.AdvanceTo(read.Buffer.End);
            await PlainAsync(response, StatusCodes.Status413PayloadTooLarge, TooLarge);
            return;
        }

        using var output = new PooledBufferWriter();
        AdmissionOutcome outcome;
        var large = read.Buffer.Length > WellKnown.LargeReviewBytes;
        try
        {
            if (large)
            {
                await LargeReviews.WaitAsync(context.RequestAborted);
            }

            try
            {
                outcome = await handler.HandleAsync(read.Buffer, output, context.RequestAborted);
            }
            finally
            {
                if (large)
                {
                    LargeReviews.Release();
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Count(context.RequestServices.GetRequiredService<WebhookMetrics>(), outcome, elapsed);
        AdmissionLog.Outcome(log, outcome, elapsed);
        if (outcome.StatusCode != StatusCodes.Status200OK)
        {
            await PlainAsync(response, outcome.StatusCode, outcome.Error ?? "bad request");
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = output.WrittenCount;
        await response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }

    private static void Count(WebhookMetrics metrics, AdmissionOutcome outcome, TimeSpan elapsed)
    {
        metrics.Admission(elapsed);
        if (outcome.Decision?.Identity is not { } identity)
        {
            return;
        }

        metrics.IdentitySeen();
        if (outcome.Decision.Mutation is { HasPatch: true })
        {
            metrics.PodMutated(identity.Mode);
        }
    }

    private static string TooLarge => $"the review is larger than {WellKnown.MaxReviewBytes} bytes";

    /// <summary>Buffers the body, stopping as soon as it exceeds the cap.</summary>
    private static async Task<ReadResult> ReadWholeBodyAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted || result.Buffer.Length > WellKnown.MaxReviewBytes)
            {
                return result;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
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

    private static Task PlainAsync(HttpResponse response, int statusCode, string message)
    {
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n");
    }
}
