using System.Net;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Hosting;

public class ProbeEndpointTests(WebhookServerFixture server) : IClassFixture<WebhookServerFixture>
{
    private readonly WebhookClient _client = server.Client;

    [Fact]
    public async Task Healthz_answers_200()
    {
        var reply = await _client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("ok", reply.Body.Trim());
    }

    [Fact]
    public async Task Readyz_answers_200_once_the_ServiceAccounts_are_loaded()
    {
        await Poll.UntilAsync(async () => (await _client.GetAsync("/readyz")).Status == HttpStatusCode.OK, "/readyz to answer 200");
    }

    [Fact]
    public async Task Unknown_path_is_404()
    {
        var reply = await _client.GetAsync("/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
    }
}
