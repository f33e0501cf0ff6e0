
namespace PodIdentityWebhook.Admission;

/// <summary>The result of handling one review body.</summary>
/// <param name="StatusCode">HTTP status: 200 with a review in the output, or 400 with <paramref name="Error"/>.</param>
/// <param name="Error">Why the body is not a review (HTTP 400), or why the review was refused (200, allowed=false).</param>
/// <param name="Decision">Set when a pod was examined.</param>
/// <param name="NotMutated">Why the review's pod got no patch (<see cref="Telemetry.NotMutatedReasons"/>); null when it got one or the body was no review.</param>
internal sealed record AdmissionOutcome(int StatusCode, string? Error, AdmissionDecision? Decision, string? NotMutated = null)
{
    public static AdmissionOutcome BadRequest(string error) => new(400, error, null);
}
