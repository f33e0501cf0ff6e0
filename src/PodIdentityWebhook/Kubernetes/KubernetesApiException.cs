using System.Net;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The API server answered with an error: a non-2xx response, or a watch ERROR event.
/// The message carries the Status reason and message the server sent.
/// </summary>
internal sealed class KubernetesApiException : Exception
{
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
}
