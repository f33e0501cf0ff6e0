using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Runs the API watches for the life of the process. It never blocks startup: with the API
/// server down the informers keep retrying and /readyz answers 503 until they have listed.
/// <see cref="Start"/> begins them before the host starts (the first list is most of the time
/// to ready); stopping the host, or disposing it when it failed to start, ends them.
/// </summary>
internal sealed class KubernetesWatchService(ServiceAccountCache serviceAccounts, ConfigMapWatch? configMap = null) : BackgroundService
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private int _disposed;

    /// <summary>Starts the watches, once; the host's start finds them running.</summary>
    public void Start() =>
        _running ??= Task.WhenAll(
            Task.Run(() => serviceAccounts.RunAsync(_stop.Token)),
            configMap is null ? Task.CompletedTask : Task.Run(() => configMap.RunAsync(_stop.Token)));

    /// <remarks>Registered as itself and as a hosted service, so the container may dispose it twice.</remarks>
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Start();
        using var stopping = stoppingToken.Register(_stop.Cancel);
        await _running!;
    }
}
