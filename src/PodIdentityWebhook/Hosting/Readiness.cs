using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Ready once every identity source has synced. The serving certificate is loaded before the
/// listener opens (startup stops without one), so it needs no check here.
/// </summary>
internal sealed class Readiness(IServiceAccountSource serviceAccounts, IConfigMapSource configMap)
{
    /// <summary>Null when ready, else what is still missing.</summary>
    public string? NotReadyReason()
    {
        if (!serviceAccounts.HasSynced)
        {
            return "ServiceAccount cache not synced";
        }

        return configMap.HasSynced ? null : "ConfigMap not synced";
    }
}
