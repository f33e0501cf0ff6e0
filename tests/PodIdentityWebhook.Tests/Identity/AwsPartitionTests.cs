using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Tests.Identity;

public class AwsPartitionTests
{
    [Theory]
    [InlineData("us-east-1", "aws")]
    [InlineData("eu-west-3", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("cn-northwest-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("us-iso-east-1", "aws-iso")]
    [InlineData("us-isob-east-1", "aws-iso-b")]
    [InlineData("eusc-de-east-1", "aws-eusc")]
    [InlineData("", "aws")]
    public void Partition_follows_the_region_prefix(string region, string partition)
    {
        Assert.Equal(partition, AwsPartition.ForRegion(region));
    }
}
