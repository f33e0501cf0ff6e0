using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// GET /v1/credentials as the EKS Pod Identity agent serves it: the Authorization header is
/// the pod's projected ServiceAccount token (audience pods.eks.amazonaws.com), checked like a
/// web identity token; its subject's association names the role; the answer is the
/// container-credentials JSON the SDKs read (AccessKeyId, SecretAccessKey, Token, AccountId,
/// Expiration).
/// </summary>
internal sealed class PodIdentityAgentEndpoint(
    StsStandInOptions options,
    WebIdentityTokenValidator validator,
    CredentialIssuer issuer,
    Action<StsAnswer> record)
{
    public const string Audience = "pods.eks.amazonaws.com";
    private const string Action = "PodIdentityCredentials";

    /// <summary>EKS Pod Identity hands out six-hour sessions.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(6);

    public async Task HandleAsync(HttpContext context)
    {
        var token = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(token))
        {
            record(new StsAnswer(Action, null, null, "MissingAuthorization"));
            await ErrorAsync(context, HttpStatusCode.BadRequest, "MissingAuthorization", "Service account token cannot be empty");
            return;
        }

        ValidatedToken validated;
        try
        {
            validated = await validator.ValidateAsync(token, [Audience]);
        }
        catch (StsFault fault)
        {
            record(new StsAnswer(Action, null, null, fault.Code));
            await ErrorAsync(context, HttpStatusCode.Unauthorized, fault.Code, fault.Message);
            return;
        }

        var association = options.Associations.FirstOrDefault(a => a.Subject == validated.Subject);
        if (association is null)
        {
            record(new StsAnswer(Action, null, validated.Subject, "AccessDenied"));
            await ErrorAsync(context, HttpStatusCode.Forbidden, "AccessDenied", $"No Pod Identity association for {validated.Subject}");
            return;
        }

        var session = $"eks-{association.Namespace}-{association.ServiceAccount}";
        var credentials = issuer.Issue(association.RoleArn, session[..Math.Min(session.Length, 64)], validated.Subject, Lifetime);
        record(new StsAnswer(Action, association.RoleArn, validated.Subject, null));
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["AccessKeyId"] = credentials.AccessKeyId,
            ["SecretAccessKey"] = credentials.SecretAccessKey,
            ["Token"] = credentials.SessionToken,
            ["AccountId"] = issuer.AccountId,
            ["Expiration"] = StsXml.Timestamp(credentials.Expiration),
        }.ToJsonString());
    }

    private static async Task ErrorAsync(HttpContext context, HttpStatusCode status, string code, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["Code"] = code, ["Message"] = message }.ToJsonString());
    }
}
