using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;

namespace PodIdentityWebhook.Tests.Hosting;

public sealed class ApiSourceStartupTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Watch_config_map_with_a_service_accounts_file_stops_startup_naming_both()
    {
        var options = Options() with { ServiceAccountsFile = _directory.Write("accounts.yaml", ""), WatchConfigMap = true };

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => WebhookHost.BuildAsync(options, CancellationToken.None));

        Assert.Contains("--watch-config-map", error.Message, StringComparison.Ordinal);
        Assert.Contains("--service-accounts-file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreadable_kubeconfig_stops_startup_naming_it()
    {
        var options = Options() with { Kubeconfig = _directory.File("missing-kubeconfig") };

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => WebhookHost.BuildAsync(options, CancellationToken.None));

        Assert.Contains("missing-kubeconfig", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_source_at_all_stops_startup_listing_every_way_to_give_one()
    {
        if (KubernetesConnections.IsInCluster())
        {
            // Running in a pod: the in-cluster configuration is a source.
            return;
        }

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => WebhookHost.BuildAsync(Options(), CancellationToken.None));

        foreach (var option in new[] { "--kubeconfig", "--kube-api", "in-cluster", "--service-accounts-file" })
        {
            Assert.Contains(option, error.Message, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _directory.Dispose();

    private static WebhookOptions Options() => new() { SelfSignedCert = true, BindAddress = "127.0.0.1", Port = 0 };
}
