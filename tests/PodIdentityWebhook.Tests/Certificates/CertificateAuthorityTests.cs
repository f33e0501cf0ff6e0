using System.Net;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Certificates;

namespace PodIdentityWebhook.Tests.Certificates;

/// <summary>What the self-managed CA issues: names, key usages, chains and lifetimes.</summary>
public class CertificateAuthorityTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly IReadOnlyList<string> Names =
        CertificateAuthority.ServiceNames("piw", "kube-system", ["10.1.2.3"]);

    [Fact]
    public void The_service_names_are_every_form_a_client_may_dial() =>
        Assert.Equal(
            ["piw", "piw.kube-system", "piw.kube-system.svc", "piw.kube-system.svc.cluster.local", "10.1.2.3"],
            Names);

    [Fact]
    public void The_CA_is_a_P256_CA_valid_for_its_lifetime()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(1825));

        Assert.True(ca.HasPrivateKey);
        Assert.Equal(256, ca.GetECDsaPublicKey()!.KeySize);
        var constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.Equal(Now - CertificateAuthority.Backdate, Utc(ca.NotBefore));
        Assert.Equal(Now.AddDays(1825), Utc(ca.NotAfter));
    }

    [Fact]
    public void The_serving_certificate_names_the_service_and_chains_to_the_CA()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(1825));
        using var serving = CertificateAuthority.IssueServing(ca, Names, Now, TimeSpan.FromDays(365));

        Assert.True(serving.HasPrivateKey);
        Assert.Equal(256, serving.GetECDsaPublicKey()!.KeySize);
        var san = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(Names.Take(4), san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.1.2.3")], san.EnumerateIPAddresses());
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, serving.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Equal("1.3.6.1.5.5.7.3.1", serving.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
        Assert.False(serving.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(Now.AddDays(365), Utc(serving.NotAfter));

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.AddDays(1).UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new("1.3.6.1.5.5.7.3.1"));
        Assert.True(chain.Build(serving), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(CertificateAuthority.IsIssuedBy(serving, ca));
    }

    [Fact]
    public void A_serving_certificate_never_outlives_its_CA()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(10));
        using var serving = CertificateAuthority.IssueServing(ca, Names, Now, TimeSpan.FromDays(365));

        Assert.Equal(Utc(ca.NotAfter), Utc(serving.NotAfter));
    }

    [Fact]
    public void Another_CA_did_not_issue_it()
    {
        using var ca = CertificateAuthority.CreateCa(Now, TimeSpan.FromDays(10));
        using var other = CertificateAuthority.CreateCa(Now.AddSeconds(1), TimeSpan.FromDays(10));
        using var serving = CertificateAuthority.IssueServing(ca, Names, Now, TimeSpan.FromDays(1));

        Assert.False(CertificateAuthority.IsIssuedBy(serving, other));
    }

    private static DateTimeOffset Utc(DateTime time) => new(time.ToUniversalTime(), TimeSpan.Zero);
}
