using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Hosting;

/// <summary>Liveness and readiness on the webhook port.</summary>
internal static class ProbeEndpoints
{
    public static IEndpointRouteBuilder MapProbes(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(WellKnown.HealthPath, Healthz);
        endpoints.MapGet(WellKnown.ReadyPath, Readyz);
        return endpoints;
    }

    private static IResult Healthz() => Results.Text("ok\n");

    private static IResult Readyz(Readiness readiness) => readiness.NotReadyReason() is { } reason
        ? Results.Text($"not ready: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
        : Results.Text("ok\n");
}
