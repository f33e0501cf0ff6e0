using System.Globalization;
using System.Xml.Linq;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// STS's Query-protocol answers: {Action}Response/{Action}Result plus ResponseMetadata, and
/// ErrorResponse/Error{Type, Code, Message} plus RequestId, all in STS's 2011-06-15
/// namespace. The SDK's unmarshallers read exactly these element names.
/// </summary>
internal static class StsXml
{
    private static readonly XNamespace Sts = "https://sts.amazonaws.com/doc/2011-06-15/";

    public static string AssumeRoleWithWebIdentity(IssuedCredentials credentials, ValidatedToken token, string provider, string audience, string requestId) =>
        Response("AssumeRoleWithWebIdentity", requestId,
            new XElement(Sts + "Credentials",
                new XElement(Sts + "AccessKeyId", credentials.AccessKeyId),
                new XElement(Sts + "SecretAccessKey", credentials.SecretAccessKey),
                new XElement(Sts + "SessionToken", credentials.SessionToken),
                new XElement(Sts + "Expiration", Timestamp(credentials.Expiration))),
            new XElement(Sts + "SubjectFromWebIdentityToken", token.Subject),
            new XElement(Sts + "AssumedRoleUser",
                new XElement(Sts + "AssumedRoleId", credentials.AssumedRoleId),
                new XElement(Sts + "Arn", credentials.AssumedRoleArn)),
            new XElement(Sts + "Provider", provider),
            new XElement(Sts + "Audience", audience));

    public static string GetCallerIdentity(IssuedCredentials credentials, string accountId, string requestId) =>
        Response("GetCallerIdentity", requestId,
            new XElement(Sts + "Arn", credentials.AssumedRoleArn),
            new XElement(Sts + "UserId", credentials.AssumedRoleId),
            new XElement(Sts + "Account", accountId));

    public static string Error(StsFault fault, string requestId) =>
        new XDocument(new XElement(Sts + "ErrorResponse",
            new XElement(Sts + "Error",
                new XElement(Sts + "Type", (int)fault.Status >= 500 ? "Receiver" : "Sender"),
                new XElement(Sts + "Code", fault.Code),
                new XElement(Sts + "Message", fault.Message)),
            new XElement(Sts + "RequestId", requestId))).ToString();

    /// <summary>ISO 8601 in UTC, as STS writes Expiration.</summary>
    public static string Timestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Response(string action, string requestId, params object[] result) =>
        new XDocument(new XElement(Sts + (action + "Response"),
            new XElement(Sts + (action + "Result"), result),
            new XElement(Sts + "ResponseMetadata", new XElement(Sts + "RequestId", requestId)))).ToString();
}
