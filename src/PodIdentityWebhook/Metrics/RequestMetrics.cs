using System.Diagnostics;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// <c>http_request_count</c> and <c>http_request_latencies</c> for <c>/mutate</c> only, as the
/// reference's InstrumentRoute wraps only that handler (probes and stray paths are not
/// counted). Verbs come from a fixed set (else <c>other</c>) so a client sending odd requests
/// cannot grow the series without bound.
/// </summary>
internal static class RequestMetrics
{
    public const string Other = "other";

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next, WebhookMetrics metrics)
    {
        if (context.Request.Path.Value != AdmissionConstants.MutatePath)
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var statusCode = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            statusCode = context.Response.StatusCode;
        }
        finally
        {
            // A request the client abandoned (reset, stalled and dropped) got no answer to count.
            if (!context.RequestAborted.IsCancellationRequested)
            {
                metrics.Request(Verb(context.Request.Method), AdmissionConstants.MutatePath, statusCode, Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private static string Verb(string method) =>
        HttpMethods.IsPost(method) ? HttpMethods.Post
        : HttpMethods.IsGet(method) ? HttpMethods.Get
        : HttpMethods.IsHead(method) ? HttpMethods.Head
        : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete
        : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsOptions(method) ? HttpMethods.Options
        : Other;
}
