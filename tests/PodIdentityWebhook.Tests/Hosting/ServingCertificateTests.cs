using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Certificates;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>Replaced certificates are released, one replacement later, so rotations never pile them up.</summary>
public class ServingCertificateTests
{
    private static CertificateChain Chain(string name) => new(SelfSignedCertificate.Create(name), []);

    private static bool Released(X509Certificate2 certificate) => certificate.Handle == IntPtr.Zero;

    [Fact]
    public void A_replaced_chain_is_disposed_at_the_next_replacement_and_the_served_ones_are_kept()
    {
        var first = Chain("first");
        var second = Chain("second");
        var third = Chain("third");
        var serving = new ServingCertificate(first);

        Assert.True(serving.Replace(second));
        Assert.False(Released(first.Leaf), "the previous chain may still be in a handshake: kept for one replacement");
        Assert.Same(second.Leaf, serving.Current);

        Assert.True(serving.Replace(third));
        Assert.True(Released(first.Leaf), "a chain two replacements old is still held");
        Assert.False(Released(second.Leaf));
        Assert.False(Released(third.Leaf));
        Assert.Same(third.Leaf, serving.Current);
    }

    [Fact]
    public void The_same_chain_again_is_no_change_and_its_copy_is_disposed()
    {
        using var leaf = SelfSignedCertificate.Create("same");
        var served = new CertificateChain(X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null), []);
        var copy = new CertificateChain(X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), null), []);
        var serving = new ServingCertificate(served);

        Assert.False(serving.Replace(copy));

        Assert.True(Released(copy.Leaf));
        Assert.False(Released(served.Leaf));
        Assert.Same(served.Leaf, serving.Current);
    }
}
