using System.Diagnostics;
using System.Net;
using PodIdentityWebhook.Tests.Kubernetes;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Hosting;

public sealed class ApiServerReadinessTests
{
    private const string Role = "arn:aws:iam::111122223333:role/api-reader";

    [Fact]
    public async Task Readyz_is_503_until_the_ServiceAccounts_are_listed_then_200()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.ListGate = new TaskCompletionSource();
        await using var host = await ApiServerHost.StartAsync(server);

        var before = await host.Client.ProbeAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.Status);
        Assert.Contains("ServiceAccount", before.Body, StringComparison.Ordinal);

        server.ListGate.SetResult();
        await Poll.UntilAsync(async () => (await host.Client.ProbeAsync("/readyz")).Status == HttpStatusCode.OK, "/readyz to answer 200");
    }

    [Fact]
    public async Task Readyz_waits_for_the_ConfigMap_too_when_watched()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var host = await ApiServerHost.StartAsync(server, options => options with { WatchConfigMap = true });

        await Poll.UntilAsync(async () => (await host.Client.ProbeAsync("/readyz")).Status == HttpStatusCode.OK, "/readyz to answer 200");
        Assert.Contains(server.Lists, l => l.Contains("configmaps", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Startup_with_the_API_server_down_serves_healthz_and_becomes_ready_when_it_returns()
    {
        await using var server = FakeApiServer.CreateStopped();
        await using var host = await ApiServerHost.StartAsync(server);

        Assert.Equal(HttpStatusCode.OK, (await host.Client.ProbeAsync("/healthz")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.ProbeAsync("/readyz")).Status);

        server.Put("default", "reader", Role);
        await server.StartAsync();
        await Poll.UntilAsync(async () => (await host.Client.ProbeAsync("/readyz")).Status == HttpStatusCode.OK, "/readyz to answer 200");
    }

    [Fact]
    public async Task Pod_is_mutated_with_the_role_of_its_ServiceAccount_from_the_API()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("default", "reader", Role);
        await using var host = await ApiServerHost.StartAsync(server);
        await Poll.UntilAsync(async () => (await host.Client.ProbeAsync("/readyz")).Status == HttpStatusCode.OK, "/readyz to answer 200");

        var reply = await host.Client.MutateAsync(Reviews.For(Reviews.Pod("reader")).ToJsonString());

        Assert.Contains(Role, Reviews.Patch(reply.Response).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probes_answer_in_well_under_a_millisecond_on_the_server()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var host = await ApiServerHost.StartAsync(server);
        await Poll.UntilAsync(async () => (await host.Client.ProbeAsync("/readyz")).Status == HttpStatusCode.OK, "/readyz to answer 200");

        // Client round trips include TLS and the loopback; the best of many bounds the server's share.
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 200; i++)
        {
            var clock = Stopwatch.StartNew();
            await host.Client.ProbeAsync(i % 2 == 0 ? "/readyz" : "/healthz");
            best = clock.Elapsed < best ? clock.Elapsed : best;
        }

        Assert.True(best < TimeSpan.FromMilliseconds(5), $"best probe round trip {best.TotalMilliseconds} ms");
    }
}
