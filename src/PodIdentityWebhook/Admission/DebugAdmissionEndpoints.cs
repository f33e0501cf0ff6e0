using System.Text.Json;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// The reference's failure-policy test hooks on the webhook port (--enable-debugging-handlers):
/// <c>/debug/alpha/deny</c> refuses every review it is sent, <c>/debug/alpha/500</c> answers
/// HTTP 500. Point a webhook configuration at one to see what its failurePolicy does.
/// </summary>
internal static class DebugAdmissionEndpoints
{
    private const int MaxBodyBytes = 1024 * 1024;
    /// <summary>JsonDocument's default nesting limit, which this hook has always read reviews with.</summary>
    private const int MaxDepth = 64;

    private const string Refusal = "refused by the webhook's /debug/alpha/deny test hook";

    public static IEndpointRouteBuilder MapDebugAdmission(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AdmissionConstants.DebugDenyPath, DenyAsync);
        endpoints.Map(AdmissionConstants.DebugServerErrorPath, (HttpContext context) =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return context.Response.WriteAsync("500 on purpose: /debug/alpha/500 test hook\n");
        });
        return endpoints;
    }

    private static async Task DenyAsync(HttpContext context)
    {
        if (context.Request.ContentLength is null or > MaxBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status411LengthRequired;
            return;
        }

        using var body = new MemoryStream((int)context.Request.ContentLength.Value);
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        PartialJsonDocument document;
        try
        {
            document = PartialJsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length), ReviewShapes.Review, MaxDepth);
        }
        catch (JsonException ex)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"the body is not valid JSON: {ex.Message}\n");
            return;
        }

        using var parsed = document;
        if (!ReviewEnvelope.TryRead(document.RootElement, out var envelope, out var error))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(error + "\n");
            return;
        }

        using var output = new PooledBufferWriter();
        AdmissionResponseWriter.Write(output, envelope.ApiVersion, envelope.Uid, patch: default, refusal: Refusal);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }
}
