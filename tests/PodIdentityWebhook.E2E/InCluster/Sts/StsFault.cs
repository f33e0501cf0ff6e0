using System.Net;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// A refusal as STS words it: its error code, message and HTTP status, thrown from deep in a
/// check and turned into STS's ErrorResponse at the edge.
/// </summary>
internal sealed class StsFault(HttpStatusCode status, string code, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string Code { get; } = code;

    public static StsFault InvalidIdentityToken(string message) => new(HttpStatusCode.BadRequest, "InvalidIdentityToken", message);

    public static StsFault AccessDenied() => new(HttpStatusCode.Forbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}
