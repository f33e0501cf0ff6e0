namespace PodIdentityWebhook.Certificates;

/// <summary>
/// Whether the self-managed certificate is served and its CA published in the caBundle, for
/// /readyz. Until the first successful pass the listener serves a temporary self-signed
/// certificate that no API server trusts.
/// </summary>
internal sealed class SelfManagedCertificateStatus
{
    private volatile string? _notReadyReason = "the self-managed certificate is not served yet";
    private volatile bool _everReady;

    /// <summary>Null when ready, else why not.</summary>
    public string? NotReadyReason => _notReadyReason;

    /// <summary>
    /// After a pass that served the Secret's certificate: ready when <paramref name="problem"/>
    /// is null. A later problem only matters until the first success: the certificate and the
    /// caBundle already published keep working.
    /// </summary>
    public void Ready(string? problem)
    {
        if (problem is null)
        {
            _everReady = true;
        }

        _notReadyReason = _everReady ? null : problem;
    }

    /// <summary>The Secret's certificate cannot be served; matters until the first success.</summary>
    public void NotReady(string reason)
    {
        if (!_everReady)
        {
            _notReadyReason = reason;
        }
    }
}
