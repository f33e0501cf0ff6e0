using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// POST / in STS's Query protocol (form-encoded Action and parameters):
/// AssumeRoleWithWebIdentity, unsigned, authorised by the web identity token and the role's
/// trust policy; GetCallerIdentity, authorised only by a valid SigV4 signature with
/// credentials the stand-in issued.
/// </summary>
internal sealed class StsQueryEndpoint(
    StsStandInOptions options,
    WebIdentityTokenValidator validator,
    CredentialIssuer issuer,
    SigV4Verifier verifier,
    Action<StsAnswer> record)
{
    /// <summary>AssumeRoleWithWebIdentity's default session length, DurationSeconds absent.</summary>
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        string Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : "";
        var action = Field("Action");
        string? role = form.ContainsKey("RoleArn") ? Field("RoleArn") : null;
        string? subject = null;
        try
        {
            string answer;
            switch (action)
            {
                case "AssumeRoleWithWebIdentity":
                    var token = await validator.ValidateAsync(Field("WebIdentityToken"), options.ProviderAudiences);
                    subject = token.Subject;
                    answer = AssumeRole(token, role ?? "", Field("RoleSessionName"), Field("DurationSeconds"), requestId);
                    break;
                case "GetCallerIdentity":
                    var caller = verifier.Verify(context.Request, body);
                    (role, subject) = (caller.RoleArn, caller.Subject);
                    answer = StsXml.GetCallerIdentity(caller, options.AccountId, requestId);
                    break;
                default:
                    throw new StsFault(HttpStatusCode.BadRequest, "InvalidAction", $"Could not find operation {action} for version 2011-06-15");
            }

            record(new StsAnswer(action, role, subject, null));
            await WriteAsync(context, HttpStatusCode.OK, answer, requestId);
        }
        catch (StsFault fault)
        {
            record(new StsAnswer(action, role, subject, fault.Code));
            await WriteAsync(context, fault.Status, StsXml.Error(fault, requestId), requestId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of the stand-in itself, answered as STS answers its own: the message
            // reaches the SDK's exception and so the test's output.
            var fault = new StsFault(HttpStatusCode.InternalServerError, "InternalFailure", e.ToString());
            record(new StsAnswer(action, role, subject, fault.Code));
            await WriteAsync(context, fault.Status, StsXml.Error(fault, requestId), requestId);
        }
    }

    private string AssumeRole(ValidatedToken token, string roleArn, string sessionName, string durationSeconds, string requestId)
    {
        // An unknown role and a trust policy that does not match are the same answer, as in IAM.
        var trusted = options.Roles.SingleOrDefault(r => r.RoleArn == roleArn);
        if (trusted is null || !trusted.Allows(token.Audiences, token.Subject))
        {
            throw StsFault.AccessDenied();
        }

        if (sessionName.Length is < 2 or > 64)
        {
            throw new StsFault(HttpStatusCode.BadRequest, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64");
        }

        var lifetime = int.TryParse(durationSeconds, out var seconds) ? TimeSpan.FromSeconds(seconds) : DefaultDuration;
        var credentials = issuer.Issue(roleArn, sessionName, token.Subject, lifetime);
        var audience = token.Audiences.First(a => trusted.Audiences.Contains(a, StringComparer.Ordinal));
        return StsXml.AssumeRoleWithWebIdentity(credentials, token, ProviderArn(), audience, requestId);
    }

    /// <summary>IAM names an OIDC provider by its issuer URL without the scheme.</summary>
    private string ProviderArn() =>
        $"arn:aws:iam::{options.AccountId}:oidc-provider/{new Uri(options.Issuer).GetComponents(UriComponents.HostAndPort | UriComponents.Path, UriFormat.Unescaped).TrimEnd('/')}";

    private static async Task WriteAsync(HttpContext context, HttpStatusCode status, string xml, string requestId)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "text/xml";
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        await context.Response.WriteAsync(xml);
    }
}
