namespace PodIdentityWebhook.Identity;

/// <summary>AWS partition names by region prefix, as the reference's SDK resolves them.</summary>
internal static class AwsPartition
{
    public const string Aws = "aws";
    public const string China = "aws-cn";
    public const string UsGov = "aws-us-gov";
    public const string Iso = "aws-iso";
    public const string IsoB = "aws-iso-b";
    public const string EuropeanSovereign = "aws-eusc";

    public static string ForRegion(string region)
    {
        if (region.StartsWith("cn-", StringComparison.Ordinal))
        {
            return China;
        }

        if (region.StartsWith("us-gov-", StringComparison.Ordinal))
        {
            return UsGov;
        }

        // us-isob- also starts with us-iso, so it must be tested first.
        if (region.StartsWith("us-isob-", StringComparison.Ordinal))
        {
            return IsoB;
        }

        if (region.StartsWith("us-iso-", StringComparison.Ordinal))
        {
            return Iso;
        }

        if (region.StartsWith("eusc-", StringComparison.Ordinal))
        {
            return EuropeanSovereign;
        }

        return Aws;
    }
}
