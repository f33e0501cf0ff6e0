using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary><c>/debug/alpha/cache</c> and <c>/debug/alpha/cache/clear</c> on the metrics port.</summary>
public sealed class DebugHandlerTests
{
    private const string CachePath = "/debug/alpha/cache";
    private const string ClearPath = "/debug/alpha/cache/clear";

    [Fact]
    public async Task Cache_dump_lists_the_ServiceAccounts_and_container_credentials_identities()
    {
        await using var server = await WebhookServer.StartAsync(options => options with { EnableDebuggingHandlers = true });

        using var response = await server.Metrics.GetAsync(CachePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var dump = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var accounts = dump["serviceAccounts"]!;
        Assert.Equal("file", accounts["source"]!.GetValue<string>());
        Assert.Equal(3, accounts["count"]!.GetValue<int>());
        var reader = Assert.Single(accounts["items"]!.AsArray(), a => a!["name"]!.GetValue<string>() == "s3-reader")!;
        Assert.Equal("default", reader["namespace"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::111122223333:role/s3-reader", reader["roleArn"]!.GetValue<string>());
        Assert.Equal("sts.amazonaws.com", reader["audience"]!.GetValue<string>());
        Assert.Equal(86400, reader["tokenExpiration"]!.GetValue<long>());
        Assert.False(dump["configMap"]!["watched"]!.GetValue<bool>());
        Assert.Equal(0, dump["configMap"]!["count"]!.GetValue<int>());
        var association = Assert.Single(dump["containerCredentials"]!["items"]!.AsArray())!;
        Assert.Equal(("default", "pod-identity"), (association["namespace"]!.GetValue<string>(), association["serviceAccount"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Cache_clear_answers_POST_and_GET_and_reads_the_ServiceAccounts_file_again()
    {
        await using var server = await WebhookServer.StartAsync(options => options with { EnableDebuggingHandlers = true });
        var file = server.Services.GetRequiredService<ServiceAccountFileSource>();
        var version = file.Version;

        using var post = await server.Metrics.PostAsync(ClearPath, null);
        await Poll.UntilAsync(() => Task.FromResult(file.Version > version), "the ServiceAccounts file to be read again");
        using var get = await server.Metrics.GetAsync(ClearPath);
        using var put = await server.Metrics.PutAsync(ClearPath, new StringContent(""));

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(3, file.Count);
        Reviews.Patch((await server.Client.MutateAsync(Reviews.For(Reviews.Pod("s3-reader")).ToJsonString())).Response);
    }

    [Theory]
    [InlineData("GET", CachePath)]
    [InlineData("GET", ClearPath)]
    [InlineData("POST", ClearPath)]
    public async Task Debug_handlers_are_404_without_enable_debugging_handlers(string method, string path)
    {
        await using var server = await WebhookServer.StartAsync();

        using var response = await server.Metrics.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
