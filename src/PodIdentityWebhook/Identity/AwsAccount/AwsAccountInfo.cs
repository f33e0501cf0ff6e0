namespace PodIdentityWebhook.Identity;

/// <summary>Where the webhook runs, from the EC2 instance identity document (--compose-role-arn).</summary>
internal sealed record AwsAccountInfo(string Partition, string AccountId, string Region)
{
    /// <summary>Builds the info for <paramref name="region"/>, deriving the partition from it.</summary>
    public static AwsAccountInfo FromRegion(string accountId, string region) =>
        new(AwsPartition.ForRegion(region), accountId, region);

    /// <summary>False when the document lacked the account or the region; composed ARNs then lack them too.</summary>
    public bool IsComplete => AccountId.Length > 0 && Region.Length > 0;
}
