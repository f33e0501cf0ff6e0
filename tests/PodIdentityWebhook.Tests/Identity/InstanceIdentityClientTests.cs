using System.Net;
using System.Net.Sockets;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Identity;

public sealed class InstanceIdentityClientTests : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private InstanceIdentityClient Client(string endpoint) =>
        new(_http, endpoint, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(10));

    [Fact]
    public async Task Document_gives_account_region_and_partition()
    {
        await using var imds = await FakeImds.StartAsync();

        var info = await Client(imds.Endpoint + "/").GetAccountInfoAsync(CancellationToken.None);

        Assert.Equal(new AwsAccountInfo("aws-us-gov", "111122223333", "us-gov-west-1"), info);
    }

    [Fact]
    public async Task Rejected_token_is_a_clear_error_naming_the_flag_and_endpoint()
    {
        await using var imds = await FakeImds.StartAsync();
        imds.AcceptedToken = "something-else";

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Client(imds.Endpoint).GetAccountInfoAsync(CancellationToken.None));

        Assert.StartsWith("--compose-role-arn: could not read the instance identity document from " + imds.Endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, imds.DocumentRequests);
    }

    [Fact]
    public async Task Document_without_account_is_taken_as_incomplete_like_the_reference()
    {
        await using var imds = await FakeImds.StartAsync();
        imds.Document = """{"region":"us-east-1"}""";

        var info = await Client(imds.Endpoint).GetAccountInfoAsync(CancellationToken.None);

        Assert.Equal(new AwsAccountInfo("aws", "", "us-east-1"), info);
        Assert.False(info.IsComplete);
    }

    [Fact]
    public async Task Slow_answer_times_out_with_a_clear_error()
    {
        await using var imds = await FakeImds.StartAsync();
        imds.DocumentDelay = TimeSpan.FromSeconds(30);

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Client(imds.Endpoint).GetAccountInfoAsync(CancellationToken.None));

        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_endpoint_is_a_clear_error()
    {
        var endpoint = "http://127.0.0.1:" + UnusedPort();

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Client(endpoint).GetAccountInfoAsync(CancellationToken.None));

        Assert.StartsWith("--compose-role-arn: could not read the instance identity document from " + endpoint + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_defaults_to_the_link_local_address()
    {
        if (Environment.GetEnvironmentVariable("AWS_EC2_METADATA_SERVICE_ENDPOINT") is null)
        {
            Assert.Equal("http://169.254.169.254", InstanceIdentityClient.EndpointFromEnvironment());
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
