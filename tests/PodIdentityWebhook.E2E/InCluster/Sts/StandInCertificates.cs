using System.Net;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Certificates;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// A CA of the stand-in's own and the serving certificate it signs for the listen address
/// (an IP SAN, since pods reach the stand-in by the node's IP), issued by the webhook's own
/// <see cref="CertificateAuthority"/>. Clients trust the CA the way a workload would be made
/// to: SSL_CERT_FILE pointing at <see cref="CaPem"/>.
/// </summary>
internal sealed class StandInCertificates : IDisposable
{
    private StandInCertificates(X509Certificate2 ca, X509Certificate2 serving)
    {
        Ca = ca;
        Serving = serving;
        CaPem = ca.ExportCertificatePem() + "\n";
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Serving { get; }

    public string CaPem { get; }

    public static StandInCertificates Create(IPAddress address)
    {
        var now = DateTimeOffset.UtcNow;
        var ca = CertificateAuthority.CreateCa(now, TimeSpan.FromDays(1));
        return new StandInCertificates(ca, CertificateAuthority.IssueServing(ca, [address.ToString()], now, TimeSpan.FromDays(1)));
    }

    public void Dispose()
    {
        Ca.Dispose();
        Serving.Dispose();
    }
}
