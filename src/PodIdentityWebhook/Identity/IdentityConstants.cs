namespace PodIdentityWebhook.Identity;

/// <summary>
/// Values only the identity sources need; everything pods see lives in
/// <see cref="Mutation.WellKnown"/>.
/// </summary>
internal static class IdentityConstants
{
    /// <summary>Instance metadata service, used when AWS_EC2_METADATA_SERVICE_ENDPOINT is unset.</summary>
    public const string DefaultImdsEndpoint = "http://169.254.169.254";

    /// <summary>IMDSv2 session token request (PUT).</summary>
    public const string ImdsTokenPath = "/latest/api/token";

    /// <summary>Instance identity document (GET), holds accountId and region.</summary>
    public const string ImdsIdentityDocumentPath = "/latest/dynamic/instance-identity/document";

    /// <summary>Header asking IMDSv2 for a token of the given lifetime.</summary>
    public const string ImdsTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

    /// <summary>Header carrying the IMDSv2 token; the AWS SDKs use six hours.</summary>
    public const string ImdsTokenHeader = "X-aws-ec2-metadata-token";

    /// <summary>Token lifetime asked for, in seconds (the SDK default).</summary>
    public const string ImdsTokenTtlSeconds = "21600";

    /// <summary>Flag names, for startup messages.</summary>
    public const string ServiceAccountsFileFlag = "--service-accounts-file";
    public const string ContainerCredentialsConfigFlag = "--watch-container-credentials-config";
    public const string ComposeRoleArnFlag = "--compose-role-arn";

    /// <summary>ServiceAccount namespace when a file entry names none, as kubectl does.</summary>
    public const string DefaultNamespace = "default";
}
