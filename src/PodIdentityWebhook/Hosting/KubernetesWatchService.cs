using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Runs the API watches for the life of the process. It never blocks startup: with the API
/// server down the informers keep retrying and /readyz answers 503 until they have listed.
/// </summary>
internal sealed class KubernetesWatchService(ServiceAccountCache serviceAccounts, ConfigMapWatch? configMap = null) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(
            Task.Run(() => serviceAccounts.RunAsync(stoppingToken), stoppingToken),
            configMap is null ? Task.CompletedTask : Task.Run(() => configMap.RunAsync(stoppingToken), stoppingToken));
}
