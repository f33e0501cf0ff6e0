using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Files;

/// <summary>
/// Follows --tls-cert and --tls-key (the symlink swap of a mounted Secret included, through
/// <see cref="WatchedFile"/>) and swaps the serving certificate when the pair loads. A pair
/// that does not load (half written, mismatched, unreadable; event 501), or loads but is
/// expired, not yet valid or weak (<see cref="CertificatePolicy"/>; event 502), keeps the
/// current certificate serving and is logged; the next change is tried again. Handshakes read
/// the certificate per connection, so a swap needs no restart and fails none.
/// </summary>
internal sealed partial class CertificateReloader(WebhookOptions options, ServingCertificate certificate, ILogger<CertificateReloader> logger)
    : IHostedService, IDisposable
{
    /// <summary>How often the files are checked when no file-system event arrives.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private WatchedFile? _cert;
    private WatchedFile? _key;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.SelfSignedCert || options.SelfManagedCertificate)
        {
            return Task.CompletedTask;
        }

        _cert = new WatchedFile(options.TlsCert, _ => Reload(), logger, PollInterval);
        _key = new WatchedFile(options.TlsKey, _ => Reload(), logger, PollInterval);
        _cert.Start();
        _key.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _cert?.Dispose();
        _key?.Dispose();
    }

    private void Reload()
    {
        lock (_gate)
        {
            CertificateChain loaded;
            try
            {
                loaded = CertificateLoader.LoadPem(options.TlsCert, options.TlsKey);
            }
            catch (ConfigurationException ex)
            {
                LogKeptCurrent(logger, ex.Message, certificate.Current.Thumbprint);
                return;
            }

            if (CertificatePolicy.Refusal(loaded, DateTimeOffset.UtcNow) is { } refusal)
            {
                loaded.Dispose();
                LogRefused(logger, options.TlsCert, refusal, certificate.Current.Thumbprint);
                return;
            }

            var leaf = loaded.Leaf;
            if (certificate.Replace(loaded))
            {
                LogReloaded(logger, leaf.Subject, leaf.NotAfter, leaf.Thumbprint, loaded.Intermediates.Count);
            }
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "Serving certificate reloaded: {Subject}, valid until {NotAfter:u}, thumbprint {Thumbprint}, {Intermediates} intermediate certificates")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter, string thumbprint, int intermediates);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error,
        Message = "The certificate files changed but do not load ({Error}); still serving certificate {Thumbprint}")]
    private static partial void LogKeptCurrent(ILogger logger, string error, string thumbprint);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error,
        Message = "The new certificate in {Path} is not served: {Reason}; still serving certificate {Thumbprint}")]
    private static partial void LogRefused(ILogger logger, string path, string reason, string thumbprint);
}
