namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// One answer of the stand-in, for a test to assert on: the action, the role it concerned,
/// the token's (or the signed caller's) subject, and the error code when it refused.
/// </summary>
internal sealed record StsAnswer(string Action, string? Role, string? Subject, string? ErrorCode);
