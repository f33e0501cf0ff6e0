using System.Net;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>One HTTP answer from the webhook, read whole.</summary>
internal sealed record WebhookReply(HttpStatusCode Status, string? ContentType, string Body, string? RetryAfter = null)
{
    /// <summary>The body as JSON (the response AdmissionReview).</summary>
    public JsonObject Review => JsonNode.Parse(Body)?.AsObject()
        ?? throw new InvalidOperationException("The body is JSON null, not a review.");

    public JsonObject Response => Review["response"]?.AsObject()
        ?? throw new InvalidOperationException($"The review has no response object: {Body}");
}
