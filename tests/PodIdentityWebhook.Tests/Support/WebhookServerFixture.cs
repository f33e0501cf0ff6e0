using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// The real webhook (Kestrel, TLS, the whole pipeline) on a free loopback port, started once
/// per test class, serving the ServiceAccounts of <c>TestData/Http/service-accounts.yaml</c>
/// and the EKS Pod Identity associations of <c>TestData/Http/container-credentials.json</c>.
/// </summary>
public sealed class WebhookServerFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private WebApplication? _app;
    private WebhookClient? _client;

    internal WebhookClient Client => _client ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync()
    {
        var accounts = _directory.Write("service-accounts.yaml", TestFiles.ReadData("Http", "service-accounts.yaml"));
        var associations = _directory.Write("container-credentials.json", TestFiles.ReadData("Http", "container-credentials.json"));
        var options = new WebhookOptions
        {
            SelfSignedCert = true,
            BindAddress = "127.0.0.1",
            Port = 0,
            MetricsPort = 0,
            ServiceAccountsFile = accounts,
            WatchContainerCredentialsConfig = associations,
        };
        _app = await WebhookHost.BuildAsync(options, CancellationToken.None);
        await _app.StartAsync();

        var address = ServerAddresses.Webhook(_app);
        var served = _app.Services.GetRequiredService<ServingCertificate>().Current;

        // Trust exactly the certificate this server generated, nothing else.
        _client = new WebhookClient(address, certificate =>
            certificate is not null && certificate.GetCertHashString() == served.GetCertHashString());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _directory.Dispose();
    }
}
