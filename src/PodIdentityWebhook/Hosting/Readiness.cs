using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Ready once every identity source has synced and, with --self-managed-certificate, the
/// managed certificate is served and its CA is in the caBundle. A certificate from files is
/// loaded before the listener opens (startup stops without one), so it needs no check here.
/// </summary>
internal sealed class Readiness(
    IServiceAccountSource serviceAccounts, IConfigMapSource configMap, SelfManagedCertificateStatus? selfManaged = null)
{
    private volatile bool _stopping;

    /// <summary>From SIGTERM on, /readyz answers 503 so endpoints drop this replica while it still serves.</summary>
    public void ShuttingDown() => _stopping = true;

    /// <summary>True from SIGTERM on: the drain (<see cref="ShutdownDrain"/>) is running or over.</summary>
    public bool IsShuttingDown => _stopping;

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

        if (!configMap.HasSynced)
        {
            return "ConfigMap not synced";
        }

        return selfManaged?.NotReadyReason;
    }
}
