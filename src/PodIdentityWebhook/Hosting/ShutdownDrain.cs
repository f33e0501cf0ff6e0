using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// On stop, turns /readyz to 503 and keeps the listeners open for --shutdown-drain, so the
/// Service's endpoints drop this replica while it still answers the reviews already routed to
/// it. Runs in the host's stopping phase, before any service (the server among them) stops,
/// and waits without holding a thread.
/// </summary>
internal sealed class ShutdownDrain(Readiness readiness, WebhookOptions options, TimeProvider time) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.ShuttingDown();
        if (options.ShutdownDrain > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(options.ShutdownDrain, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout ran out: stop now.
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
