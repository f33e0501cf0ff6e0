namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Whether the host has finished starting. While it starts, the host's own log lines are held
/// back: it logs a failed start with the whole stack, and Program reports that failure in one
/// line naming the flag. Once started they pass again, so a background service that fails
/// later is still logged.
/// </summary>
internal sealed class HostStartup
{
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _started;

    public bool IsStarted => _started;

    public void Started() => _started = true;
}
