using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// A namespace of its own, served by a webhook process of its own through a registration
/// scoped to the namespace's label. Disposing removes the registration and stops the webhook.
/// </summary>
internal sealed class ServedNamespace : IAsyncDisposable
{
    private readonly KubeRest _rest;
    private readonly string _configuration;

    private ServedNamespace(KubeRest rest, string name, RunningWebhook webhook, string configuration)
    {
        _rest = rest;
        Name = name;
        Webhook = webhook;
        _configuration = configuration;
    }

    public string Name { get; }

    public RunningWebhook Webhook { get; }

    /// <param name="plane">The API server.</param>
    /// <param name="prefix">Starts the namespace's name, for reading the API server's state.</param>
    /// <param name="flags">The webhook's flags beyond address, port, certificate and kubeconfig.</param>
    /// <param name="failurePolicy">The registration's failurePolicy.</param>
    /// <param name="kubeconfig">The webhook's identity; the admin kubeconfig when null.</param>
    public static async Task<ServedNamespace> StartAsync(
        ControlPlaneFixture plane, string prefix, string[]? flags = null, string failurePolicy = "Ignore", string? kubeconfig = null)
    {
        var scope = prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        var name = "e2e-" + scope;
        await WebhookRegistration.CreateScopedNamespaceAsync(plane.Rest, name, scope);
        var webhook = await RunningWebhook.StartAsync(plane.WebhookHost, kubeconfig ?? plane.KubeconfigPath, flags ?? []);
        try
        {
            var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope, failurePolicy);
            return new ServedNamespace(plane.Rest, name, webhook, configuration);
        }
        catch
        {
            await webhook.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await WebhookRegistration.DeleteAsync(_rest, _configuration);
        await Webhook.DisposeAsync();
    }
}
