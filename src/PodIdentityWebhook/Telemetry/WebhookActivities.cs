using System.Diagnostics;

namespace PodIdentityWebhook.Telemetry;

/// <summary>
/// The webhook's traces: one Activity per AdmissionReview. Exported over OTLP only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; without a listener StartActivity returns null
/// and costs next to nothing.
/// </summary>
internal static class WebhookActivities
{
    public const string SourceName = "PodIdentityWebhook";

    public const string AdmissionReview = "admission review";

    public static ActivitySource Source { get; } = new(SourceName);
}
