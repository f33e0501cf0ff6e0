using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// The real webhook (Kestrel, TLS, the whole pipeline) on free loopback ports, serving the
/// ServiceAccounts of <c>TestData/Http/service-accounts.yaml</c> and the EKS Pod Identity
/// associations of <c>TestData/Http/container-credentials.json</c>; the metrics port is plain
/// HTTP next to it.
/// </summary>
internal sealed class WebhookServer : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private WebApplication? _app;

    private WebhookServer()
    {
    }

    public WebhookClient Client { get; private set; } = null!;

    /// <summary>A client for the metrics port (plain HTTP).</summary>
    public HttpClient Metrics { get; private set; } = null!;

    public Uri MetricsAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <param name="settings">Configuration as environment variables would give it (OTEL_*).</param>
    public static async Task<WebhookServer> StartAsync(
        Func<WebhookOptions, WebhookOptions>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = new WebhookServer();
        var accounts = server._directory.Write("service-accounts.yaml", TestFiles.ReadData("Http", "service-accounts.yaml"));
        var associations = server._directory.Write("container-credentials.json", TestFiles.ReadData("Http", "container-credentials.json"));
        var options = new WebhookOptions
        {
            SelfSignedCert = true,
            BindAddress = "127.0.0.1",
            Port = 0,
            MetricsPort = 0,
            ServiceAccountsFile = accounts,
            WatchContainerCredentialsConfig = associations,

            // Nothing routes to a test server through a Service: stop at once.
            ShutdownDrain = TimeSpan.Zero,
        };
        server._app = await WebhookHost.BuildAsync(configure?.Invoke(options) ?? options, CancellationToken.None, settings);
        await server._app.StartAsync();

        var served = server._app.Services.GetRequiredService<ServingCertificate>().Current;

        // Trust exactly the certificate this server generated, nothing else.
        server.Client = new WebhookClient(ServerAddresses.Webhook(server._app), certificate =>
            certificate is not null && certificate.GetCertHashString() == served.GetCertHashString());
        server.MetricsAddress = ServerAddresses.Metrics(server._app);
        server.Metrics = new HttpClient { BaseAddress = server.MetricsAddress, Timeout = TimeSpan.FromSeconds(60) };
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Client?.Dispose();
        Metrics?.Dispose();
        _directory.Dispose();
    }
}
