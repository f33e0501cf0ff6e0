namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// Temporary credentials the stand-in handed out, and the assumed-role session they stand
/// for: what GetCallerIdentity reports for a request signed with them.
/// </summary>
internal sealed record IssuedCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string RoleArn,
    string AssumedRoleArn,
    string AssumedRoleId,
    string Subject);
