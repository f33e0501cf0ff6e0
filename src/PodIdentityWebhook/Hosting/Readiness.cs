using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Hosting;

/// <summary>Ready once every identity source has synced and a serving certificate is loaded.</summary>
internal sealed class Readiness(IServiceAccountSource serviceAccounts, IConfigMapSource configMap)
{
    public volatile bool CertificateLoaded;

    /// <summary>Null when ready, else what is still missing.</summary>
    public string? NotReadyReason()
    {
        if (!CertificateLoaded)
        {
            return "no serving certificate loaded";
        }

        if (!serviceAccounts.HasSynced)
        {
            return "ServiceAccount cache not synced";
        }

        return configMap.HasSynced ? null : "ConfigMap not synced";
    }
}
