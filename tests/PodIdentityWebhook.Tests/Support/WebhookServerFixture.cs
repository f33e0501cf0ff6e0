namespace PodIdentityWebhook.Tests.Support;

/// <summary>A <see cref="WebhookServer"/> with default flags, started once per test class.</summary>
public sealed class WebhookServerFixture : IAsyncLifetime
{
    private WebhookServer? _server;

    internal WebhookServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    internal WebhookClient Client => Server.Client;

    public async Task InitializeAsync() => _server = await WebhookServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
