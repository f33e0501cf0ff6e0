using System.Diagnostics.Metrics;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// The webhook's instruments, under the reference's metric names so dashboards keep working.
/// Each instance owns its meter, so tests observe only their own.
/// </summary>
internal sealed class WebhookMetrics : IDisposable
{
    public const string MeterName = "PodIdentityWebhook";

    /// <summary>Pods admitted unmutated because their ServiceAccount could not be found.</summary>
    public const string MissingServiceAccountCount = "pod_identity_webhook_missing_sa_count";

    private readonly Counter<long> _missingServiceAccounts;

    public WebhookMetrics()
    {
        Meter = new Meter(MeterName);
        _missingServiceAccounts = Meter.CreateCounter<long>(
            MissingServiceAccountCount, description: "Pods admitted without mutation because their ServiceAccount was not found");
    }

    public Meter Meter { get; }

    public void MissingServiceAccount() => _missingServiceAccounts.Add(1);

    public void Dispose() => Meter.Dispose();
}
