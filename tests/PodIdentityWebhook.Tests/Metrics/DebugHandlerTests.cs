using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>
/// <c>/debug/alpha/cache</c> (the reference's shape), <c>/debug/alpha/cache/details</c> and
/// <c>/debug/alpha/cache/clear</c> on the metrics port; <c>/debug/alpha/deny</c> and
/// <c>/debug/alpha/500</c> on the webhook port.
/// </summary>
public sealed class DebugHandlerTests
{
    private const string CachePath = "/debug/alpha/cache";
    private const string DetailsPath = "/debug/alpha/cache/details";
    private const string ClearPath = "/debug/alpha/cache/clear";

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Cache_dump_has_the_reference_shape_for_any_method(string method)
    {
        await using var server = await WebhookServer.StartAsync(options => options with { EnableDebuggingHandlers = true });

        using var response = await server.Metrics.SendAsync(new HttpRequestMessage(new HttpMethod(method), CachePath));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dump = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(3, dump.Count);
        var reader = dump["default/s3-reader"]!;
        Assert.Equal("arn:aws:iam::111122223333:role/s3-reader", reader["RoleARN"]!.GetValue<string>());
        Assert.Equal("sts.amazonaws.com", reader["Audience"]!.GetValue<string>());
        Assert.False(reader["UseRegionalSTS"]!.GetValue<bool>());
        Assert.Equal(86400, reader["TokenExpiration"]!.GetValue<long>());
    }

    [Fact]
    public async Task Webhook_port_deny_hook_refuses_the_review_and_500_hook_answers_500()
    {
        await using var server = await WebhookServer.StartAsync(options => options with { EnableDebuggingHandlers = true });
        var review = Reviews.For(Reviews.SamplePod(), uid: "deny-me").ToJsonString();

        var denied = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/debug/alpha/deny")
        {
            Content = new StringContent(review, System.Text.Encoding.UTF8, "application/json"),
        });
        var failed = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/debug/alpha/500"), allowServerError: true);

        Assert.Equal(HttpStatusCode.OK, denied.Status);
        Assert.Equal("deny-me", denied.Response["uid"]!.GetValue<string>());
        Assert.False(denied.Response["allowed"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
    }

    [Theory]
    [InlineData("/debug/alpha/deny")]
    [InlineData("/debug/alpha/500")]
    public async Task Webhook_port_test_hooks_are_404_without_enable_debugging_handlers(string path)
    {
        await using var server = await WebhookServer.StartAsync();

        var reply = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path));

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
    }

    [Fact]
    public async Task Cache_details_list_the_ServiceAccounts_and_container_credentials_identities()
    {
        await using var server = await WebhookServer.StartAsync(options => options with { EnableDebuggingHandlers = true });

        using var response = await server.Metrics.GetAsync(DetailsPath);

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
    [InlineData("GET", DetailsPath)]
    [InlineData("GET", ClearPath)]
    [InlineData("POST", ClearPath)]
    public async Task Debug_handlers_are_404_without_enable_debugging_handlers(string method, string path)
    {
        await using var server = await WebhookServer.StartAsync();

        using var response = await server.Metrics.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
