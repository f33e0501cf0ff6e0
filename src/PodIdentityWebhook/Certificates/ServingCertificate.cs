using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Certificates;

/// <summary>
/// The certificate chain the webhook port serves, as a context built once per certificate;
/// each handshake reads <see cref="ContextAsync"/>, so a swap reaches the next connection.
/// Building a context builds the chain against the machine's CA store, and the first build
/// reads that store: hundreds of files, the largest single cost of the webhook's start. So
/// the first context is built on another thread while the host is built and the caches fill,
/// and a handshake that comes before it is ready waits for it.
/// </summary>
internal sealed class ServingCertificate
{
    private readonly Lock _gate = new();
    private readonly Task<SslStreamCertificateContext> _first;
    private volatile SslStreamCertificateContext? _context;
    private volatile CertificateChain _chain;
    private SslStreamCertificateContext? _retiredContext;
    private CertificateChain? _retiredChain;

    /// <summary>Takes ownership of <paramref name="chain"/>.</summary>
    public ServingCertificate(CertificateChain chain)
    {
        _chain = chain;
        _first = Task.Run(() => Build(chain));
    }

    /// <summary>The context to serve; at once, except in the first moments of the process.</summary>
    public ValueTask<SslStreamCertificateContext> ContextAsync() =>
        _context is { } context ? ValueTask.FromResult(context) : new ValueTask<SslStreamCertificateContext>(FirstAsync());

    /// <summary>The leaf currently served.</summary>
    public X509Certificate2 Current => _chain.Leaf;

    private async Task<SslStreamCertificateContext> FirstAsync()
    {
        var first = await _first.ConfigureAwait(false);
        lock (_gate)
        {
            // A replacement that came while the first was built wins.
            return _context ??= first;
        }
    }

    /// <summary>
    /// Serves <paramref name="chain"/> from the next handshake on, taking ownership of it; false
    /// (and the chain disposed) when it is the chain served already.
    /// </summary>
    public bool Replace(CertificateChain chain)
    {
        lock (_gate)
        {
            if (chain.Fingerprint == _chain.Fingerprint)
            {
                chain.Dispose();
                return false;
            }

            var context = Build(chain);
            var current = _context ??= _first.GetAwaiter().GetResult();

            // A handshake that read the previous context an instant ago may still be using it, so
            // it is disposed one replacement later: rotations are hours apart, handshakes take
            // milliseconds, and at most two chains are ever held.
            Release(_retiredContext, _retiredChain);
            (_retiredContext, _retiredChain) = (current, _chain);
            (_context, _chain) = (context, chain);
            return true;
        }
    }

    /// <summary>Loads the certificate the options ask for, or stops startup with a message naming the flag and the reason.</summary>
    public static ServingCertificate FromOptions(WebhookOptions options)
    {
        // A self-managed certificate comes from the Secret once the API answers; until then
        // (and /readyz says so) the listener serves a temporary one nobody trusts.
        var chain = options.SelfSignedCert || options.SelfManagedCertificate
            ? new CertificateChain(SelfSignedCertificate.Create(), [])
            : CertificateLoader.LoadPem(options.TlsCert, options.TlsKey);
        if (CertificatePolicy.Refusal(chain, DateTimeOffset.UtcNow) is { } refusal)
        {
            chain.Dispose();
            throw new ConfigurationException(options.SelfSignedCert || options.SelfManagedCertificate
                ? $"--self-signed-cert: the generated certificate cannot be served: {refusal}"
                : $"--tls-cert: {options.TlsCert} cannot be served: {refusal}");
        }

        return new ServingCertificate(chain);
    }

    // Offline: the chain is what the file holds; no AIA download, no OCSP fetch at handshake time.
    private static SslStreamCertificateContext Build(CertificateChain chain) =>
        SslStreamCertificateContext.Create(chain.Leaf, chain.Intermediates, offline: true);

    private static void Release(SslStreamCertificateContext? context, CertificateChain? chain)
    {
        // The context holds its own copies of the intermediates; the leaf is the chain's.
        foreach (var intermediate in context?.IntermediateCertificates ?? [])
        {
            intermediate.Dispose();
        }

        chain?.Dispose();
    }
}
