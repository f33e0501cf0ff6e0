
namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Liveness and readiness on the webhook port. Both read a few flags and answer with a
/// prepared result: no locks, no I/O, so kubelet probes never queue behind admissions.
/// </summary>
internal static class ProbeEndpoints
{
    private static readonly IResult Ok = Results.Text("ok\n");

    public static IEndpointRouteBuilder MapProbes(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ProbeEndpoints.HealthPath, Healthz);
        endpoints.MapGet(ProbeEndpoints.ReadyPath, Readyz);
        return endpoints;
    }

    private static IResult Healthz() => Ok;

    private static IResult Readyz(Readiness readiness) => readiness.NotReadyReason() is { } reason
        ? Results.Text($"not ready: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
        : Ok;

    public const string HealthPath = "/healthz";

    public const string ReadyPath = "/readyz";
}
