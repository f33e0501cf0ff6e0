using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Ready once every identity source has synced. The serving certificate is loaded before the
/// listener opens (startup stops without one), so it needs no check here.
/// </summary>
internal sealed class Readiness(IServiceAccountSource serviceAccounts, IConfigMapSource configMap)
{
    private volatile bool _stopping;

    /// <summary>From SIGTERM on, /readyz answers 503 so endpoints drop this replica while it still serves.</summary>
    public void ShuttingDown() => _stopping = true;

    /// <summary>Null when ready, else what is still missing.</summary>
    public string? NotReadyReason()
    {
        if (_stopping)
        {
            return "shutting down";
        }

        if (!serviceAccounts.HasSynced)
        {
            return "ServiceAccount cache not synced";
        }

        return configMap.HasSynced ? null : "ConfigMap not synced";
    }
}
