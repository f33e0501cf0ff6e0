using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Everything needed to reach one API server: where it is, how to trust it and how to
/// authenticate. Built by <see cref="KubeconfigLoader"/> or <see cref="InClusterConfig"/>;
/// turned into an HTTP handler by <see cref="CreateHandler"/>.
/// </summary>
/// <param name="Server">The API server base URL; request paths are appended to it.</param>
/// <param name="Source">Where this came from, for logs and errors (never secrets).</param>
internal sealed record KubernetesConnection(Uri Server, string Source)
{
    /// <summary>Bearer token for every request; null sends none.</summary>
    public IBearerTokenSource? Token { get; init; }

    /// <summary>Client certificate with its private key, for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The roots to trust instead of the system store; null trusts the system store.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>kubeconfig's insecure-skip-tls-verify: accept any server certificate.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>kubeconfig's tls-server-name: the name the server certificate must carry.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>A handler that applies the trust and client certificate settings.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var ssl = new SslClientAuthenticationOptions();
        if (TlsServerName is { Length: > 0 })
        {
            ssl.TargetHost = TlsServerName;
        }

        if (ClientCertificate is not null)
        {
            ssl.ClientCertificates = [ClientCertificate];
        }

        if (InsecureSkipTlsVerify)
        {
#pragma warning disable CA5359 // The kubeconfig asks for it (insecure-skip-tls-verify), as kubectl honours it.
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (CertificateAuthorities is { Count: > 0 })
        {
            // Trust exactly the configured roots, like Go's RootCAs. Cluster CAs publish no
            // revocation lists or issuer URLs, so fetching them would only fail or stall.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            };
            policy.CustomTrustStore.AddRange(CertificateAuthorities);
            policy.ExtraStore.AddRange(CertificateAuthorities);
            ssl.CertificateChainPolicy = policy;
        }

        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Re-resolve the API server now and then (load balancers, control-plane moves).
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        };
    }
}
