namespace PodIdentityWebhook.Identity;

/// <summary>Reads the account for --compose-role-arn once; a failure is a <see cref="Options.ConfigurationException"/> naming the flag.</summary>
internal static class AccountInfo
{
    public static async Task<AwsAccountInfo> ReadAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var client = new InstanceIdentityClient(http, InstanceIdentityClient.EndpointFromEnvironment());
        var info = await client.GetAccountInfoAsync(cancellationToken);
        if (!info.IsComplete)
        {
            await Console.Error.WriteLineAsync(
                "pod-identity-webhook: warning: --compose-role-arn: the instance identity document lacks its accountId or region; "
                + $"role names are composed as arn:{info.Partition}:iam::{info.AccountId}:role/NAME");
        }

        return info;
    }
}
