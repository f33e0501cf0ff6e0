namespace PodIdentityWebhook.AwsClient;

/// <summary>What GetCallerIdentity answered, in the order the tests' log line shows it.</summary>
internal sealed record CallerIdentity(string Arn, string Account, string UserId);
