using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using PodIdentityWebhook.Certificates;

namespace PodIdentityWebhook.Tests.Certificates;

/// <summary>
/// The renewal state machine of self-managed certificates: when the serving certificate and
/// the CA are renewed, the CA overlap, pruning, and forced rotations; and that what the Secret
/// holds is servable and trusted by its own ca.crt at every moment.
/// </summary>
public class RenewalPlanTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly RenewalSettings Settings = new(
        CaLifetime: TimeSpan.FromDays(100),
        ServingLifetime: TimeSpan.FromDays(10),
        CaRenewBefore: TimeSpan.FromDays(20),
        ServingRenewBefore: TimeSpan.FromDays(3),
        CaOverlap: TimeSpan.FromDays(1));

    private static readonly IReadOnlyList<string> Names = CertificateAuthority.ServiceNames("piw", "eks", []);

    [Fact]
    public void No_Secret_means_create() => Assert.Equal(RenewalAction.Create, RenewalPlan.Decide(null, Start, Settings));

    [Fact]
    public void A_fresh_Secret_needs_nothing_until_the_serving_certificate_is_due()
    {
        var time = new FakeTimeProvider(Start);
        var content = SecretCertificates.Create(Names, time.GetUtcNow(), Settings);

        Assert.Equal(RenewalAction.None, Decide(content, time));
        time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal(RenewalAction.None, Decide(content, time));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RenewalAction.RenewServing, Decide(content, time));

        var renewed = content.Apply(RenewalAction.RenewServing, Names, time.GetUtcNow(), Settings);
        Assert.Equal(RenewalAction.None, Decide(renewed, time));
        Assert.Equal(content.CaCrt, renewed.CaCrt);
        Assert.NotEqual(content.TlsCrt, renewed.TlsCrt);
    }

    [Fact]
    public void The_rotate_annotations_force_a_renewal()
    {
        var time = new FakeTimeProvider(Start);
        var content = SecretCertificates.Create(Names, time.GetUtcNow(), Settings);
        var now = time.GetUtcNow();

        Assert.Equal(RenewalAction.RenewServing, RenewalPlan.Decide(content.Facts(Names, now, rotate: true, rotateCa: false), now, Settings));
        Assert.Equal(RenewalAction.StartCaRotation, RenewalPlan.Decide(content.Facts(Names, now, rotate: false, rotateCa: true), now, Settings));
    }

    [Fact]
    public void Changed_names_renew_the_serving_certificate()
    {
        var time = new FakeTimeProvider(Start);
        var content = SecretCertificates.Create(Names, time.GetUtcNow(), Settings);
        var now = time.GetUtcNow();
        IReadOnlyList<string> more = [.. Names, "10.0.0.9"];

        Assert.Equal(RenewalAction.RenewServing, RenewalPlan.Decide(content.Facts(more, now, false, false), now, Settings));
        var renewed = content.Apply(RenewalAction.RenewServing, more, now, Settings);
        Assert.Equal(RenewalAction.None, RenewalPlan.Decide(renewed.Facts(more, now, false, false), now, Settings));
    }

    [Fact]
    public void A_CA_rotation_publishes_the_new_CA_first_and_switches_the_leaf_after_the_overlap()
    {
        var time = new FakeTimeProvider(Start);
        var content = SecretCertificates.Create(Names, time.GetUtcNow(), Settings);
        var started = content.Apply(RenewalAction.StartCaRotation, Names, time.GetUtcNow(), Settings);

        Assert.Equal(content.TlsCrt, started.TlsCrt);
        Assert.Equal(2, started.Bundle().Count);
        Assert.EndsWith(content.CaCrt.Trim(), started.CaCrt.Trim(), StringComparison.Ordinal);

        // A forced serving rotation waits for the overlap too: the new CA may not be trusted yet.
        var now = time.GetUtcNow();
        Assert.Equal(RenewalAction.None, RenewalPlan.Decide(started.Facts(Names, now, rotate: true, rotateCa: true), now, Settings));
        time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(RenewalAction.None, Decide(started, time));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RenewalAction.FinishCaRotation, Decide(started, time));

        var finished = started.Apply(RenewalAction.FinishCaRotation, Names, time.GetUtcNow(), Settings);
        Assert.Equal(started.CaCrt, finished.CaCrt);
        Assert.Equal(RenewalAction.None, Decide(finished, time));
        AssertTrusted(finished, time.GetUtcNow());
    }

    [Fact]
    public void Over_two_CA_lifetimes_every_moment_serves_a_certificate_the_bundle_trusts()
    {
        var time = new FakeTimeProvider(Start);
        var content = SecretCertificates.Create(Names, time.GetUtcNow(), Settings);
        var actions = new List<(TimeSpan At, RenewalAction Action)>();
        while (time.GetUtcNow() < Start.AddDays(200))
        {
            time.Advance(TimeSpan.FromHours(6));
            for (var pass = 0; Decide(content, time) is var action && action != RenewalAction.None; pass++)
            {
                Assert.True(pass < 3, $"still {action} after three writes at {time.GetUtcNow():u}");
                content = content.Apply(action, Names, time.GetUtcNow(), Settings);
                actions.Add((time.GetUtcNow() - Start, action));
            }

            AssertTrusted(content, time.GetUtcNow());
        }

        Assert.DoesNotContain(actions, a => a.Action == RenewalAction.Create);
        Assert.Equal([TimeSpan.FromDays(80), TimeSpan.FromDays(160)], actions.Where(a => a.Action == RenewalAction.StartCaRotation).Select(a => a.At));
        Assert.Equal([TimeSpan.FromDays(81), TimeSpan.FromDays(161)], actions.Where(a => a.Action == RenewalAction.FinishCaRotation).Select(a => a.At));
        Assert.Contains(actions, a => a.Action == RenewalAction.PruneBundle && a.At >= TimeSpan.FromDays(100) && a.At <= TimeSpan.FromDays(101));
        Assert.Contains(actions, a => a.Action == RenewalAction.RenewServing);
    }

    [Fact]
    public void An_expired_CA_is_replaced_outright() =>
        Assert.Equal(RenewalAction.Create, RenewalPlan.Decide(Facts(caNotAfter: Start), Start, Settings));

    [Fact]
    public void Only_expired_CAs_are_pruned() =>
        Assert.Equal(RenewalAction.PruneBundle, RenewalPlan.Decide(Facts(bundleHasExpired: true), Start, Settings));

    [Fact]
    public void The_Secret_data_round_trips()
    {
        var content = SecretCertificates.Create(Names, Start, Settings);
        var secret = new JsonObject { ["data"] = content.ToData() };

        Assert.Equal(content, SecretCertificates.FromSecret(secret));
        Assert.Null(SecretCertificates.FromSecret(new JsonObject { ["data"] = new JsonObject { ["tls.crt"] = "x" } }));
        Assert.Null(new SecretCertificates("junk", "junk", "junk", "junk").Facts(Names, Start, false, false));
    }

    private static CertificateFacts Facts(DateTimeOffset? caNotAfter = null, bool bundleHasExpired = false) => new(
        Start.AddDays(-1), caNotAfter ?? Start.AddDays(50), Start.AddDays(5), true, true, bundleHasExpired, false, false);

    private static RenewalAction Decide(SecretCertificates content, FakeTimeProvider time)
    {
        var now = time.GetUtcNow();
        return RenewalPlan.Decide(content.Facts(Names, now, false, false), now, Settings);
    }

    /// <summary>tls.crt is within its validity and chains to a CA of ca.crt that is valid too.</summary>
    private static void AssertTrusted(SecretCertificates content, DateTimeOffset now)
    {
        using var chain = content.ServingChain();
        Assert.Null(CertificatePolicy.Refusal(chain, now));
        var bundle = content.Bundle();
        using var verifier = new X509Chain();
        verifier.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verifier.ChainPolicy.CustomTrustStore.AddRange(bundle.ToArray());
        verifier.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        verifier.ChainPolicy.VerificationTime = now.UtcDateTime;
        Assert.True(verifier.Build(chain.Leaf), $"at {now:u}: " + string.Join("; ", verifier.ChainStatus.Select(s => s.StatusInformation)));
        foreach (var certificate in bundle)
        {
            certificate.Dispose();
        }
    }
}
