using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Hosting;

/// <summary>Reads the account for --compose-role-arn once, turning failures into a startup error.</summary>
internal static class AccountInfo
{
    public static async Task<AwsAccountInfo> ReadAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var client = new InstanceIdentityClient(http, InstanceIdentityClient.EndpointFromEnvironment());
        try
        {
            return await client.GetAccountInfoAsync(cancellationToken);
        }
        catch (IdentitySourceException ex)
        {
            throw new StartupException(ex.Message);
        }
    }
}
