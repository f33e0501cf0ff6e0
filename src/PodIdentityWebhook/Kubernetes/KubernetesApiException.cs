using System.Net;
using System.Text;
using System.Text.Json;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The API server answered with an error: a non-2xx response, or a watch ERROR event.
/// The message carries the Status reason and message the server sent.
/// </summary>
internal sealed class KubernetesApiException : Exception
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public KubernetesApiException(string operation, int statusCode, string? reason, string? message)
        : base($"{operation}: {statusCode} {reason ?? ((HttpStatusCode)statusCode).ToString()}: {message}")
    {
        StatusCode = statusCode;
        Reason = reason;
    }

    public int StatusCode { get; }

    /// <summary>The Status reason, e.g. <c>Expired</c>, <c>NotFound</c>.</summary>
    public string? Reason { get; }

    /// <summary>
    /// The resourceVersion (or continue token) is too old: the caller must list again.
    /// Sent as 410 Gone, either as the response or as a watch ERROR event.
    /// </summary>
    public bool IsExpired => StatusCode == (int)HttpStatusCode.Gone || Reason is "Expired" or "Gone";

    /// <summary>A metav1.Status body as an exception; a body that is not one is quoted as the message.</summary>
    public static KubernetesApiException FromBody(string operation, int statusCode, string? reasonPhrase, string? body)
    {
        try
        {
            using var document = JsonDocument.Parse(body ?? "");
            return FromStatus(operation, document.RootElement, statusCode);
        }
        catch (JsonException)
        {
            return new KubernetesApiException(operation, statusCode, reasonPhrase, body?.Trim());
        }
    }

    /// <summary>A metav1.Status as an exception; the Status's own code wins over the fallback.</summary>
    public static KubernetesApiException FromStatus(string operation, JsonElement status, int fallbackCode)
    {
        var code = fallbackCode;
        string? reason = null;
        string? message = null;
        if (status.ValueKind == JsonValueKind.Object)
        {
            if (status.TryGetProperty("code", out var codeElement) && codeElement.TryGetInt32(out var parsed) && parsed > 0)
            {
                code = parsed;
            }

            if (status.TryGetProperty("reason", out var reasonElement) && reasonElement.ValueKind == JsonValueKind.String)
            {
                reason = reasonElement.GetString();
            }

            if (status.TryGetProperty("message", out var messageElement) && messageElement.ValueKind == JsonValueKind.String)
            {
                message = messageElement.GetString();
            }
        }

        return new KubernetesApiException(operation, code, reason, message);
    }

    /// <summary>At most 64 KiB of an error response's body; null when it cannot be read.</summary>
    public static async Task<string?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyBytes];
            var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return null;
        }
    }
}
