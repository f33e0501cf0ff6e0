using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Kubernetes;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>
/// The real webhook host taking its ServiceAccounts from a <see cref="FakeApiServer"/>
/// through a temporary kubeconfig, as it would from a cluster.
/// </summary>
internal sealed class ApiServerHost : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private WebApplication? _app;

    private ApiServerHost()
    {
    }

    public WebhookClient Client { get; private set; } = null!;

    public static async Task<ApiServerHost> StartAsync(FakeApiServer server, Func<WebhookOptions, WebhookOptions>? configure = null)
    {
        var host = new ApiServerHost();
        var kubeconfig = host._directory.Write("kubeconfig", $"""
            apiVersion: v1
            kind: Config
            current-context: test
            clusters:
            - name: fake
              cluster:
                server: {server.Url}
            users:
            - name: webhook
              user:
                token: test-token
            contexts:
            - name: test
              context:
                cluster: fake
                user: webhook
            """);
        var options = new WebhookOptions { SelfSignedCert = true, BindAddress = "127.0.0.1", Port = 0, MetricsPort = 0, Kubeconfig = kubeconfig };
        host._app = await WebhookHost.BuildAsync(configure?.Invoke(options) ?? options, CancellationToken.None);
        await host._app.StartAsync();

        var address = ServerAddresses.Webhook(host._app);
        var served = host._app.Services.GetRequiredService<ServingCertificate>().Current;
        host.Client = new WebhookClient(address, certificate =>
            certificate is not null && certificate.GetCertHashString() == served.GetCertHashString());
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Client?.Dispose();
        _directory.Dispose();
    }
}
