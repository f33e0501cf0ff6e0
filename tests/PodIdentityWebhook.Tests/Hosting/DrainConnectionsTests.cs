using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>
/// Once the drain has begun, a kept-alive HTTP/1.1 connection is closed after its answer, so
/// the API server never sends a review on a connection the stopping listener is about to close.
/// </summary>
public class DrainConnectionsTests
{
    private const string Request = "GET /healthz HTTP/1.1\r\nHost: webhook\r\n\r\n";

    [Fact]
    public async Task Before_the_drain_a_connection_is_kept_alive()
    {
        await using var server = await WebhookServer.StartAsync();
        await using var connection = await server.Client.OpenRawAsync();

        await connection.SendAsync(Request);
        var head = await connection.ReadHeadAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection: close", head, StringComparison.OrdinalIgnoreCase);
        Assert.False(await connection.ClosedWithinAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task During_the_drain_an_answer_closes_its_connection()
    {
        await using var server = await WebhookServer.StartAsync();
        await using var connection = await server.Client.OpenRawAsync();
        await connection.SendAsync(Request);
        Assert.StartsWith("HTTP/1.1 200", await connection.ReadHeadAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);

        server.Services.GetRequiredService<Readiness>().ShuttingDown();
        await connection.SendAsync(Request);
        var head = await connection.ReadHeadAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("Connection: close", head, StringComparison.OrdinalIgnoreCase);
        Assert.True(await connection.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
    }
}
