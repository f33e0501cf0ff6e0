using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Certificates;

/// <summary>What the writer does to the self-managed Secret on one pass.</summary>
internal enum RenewalAction
{
    /// <summary>The Secret is fine as it is.</summary>
    None,

    /// <summary>No Secret, or one that does not load: a new CA and serving certificate.</summary>
    Create,

    /// <summary>A new serving certificate from the current CA; the caBundle is unchanged.</summary>
    RenewServing,

    /// <summary>A new CA: ca.crt becomes the new CA plus the old ones, tls.crt stays (signed by the old CA).</summary>
    StartCaRotation,

    /// <summary>The overlap is over: a serving certificate from the new CA.</summary>
    FinishCaRotation,

    /// <summary>Expired CAs leave ca.crt.</summary>
    PruneBundle,
}

/// <summary>The lifetimes and windows of self-managed certificates.</summary>
internal sealed record RenewalSettings(
    TimeSpan CaLifetime, TimeSpan ServingLifetime, TimeSpan CaRenewBefore, TimeSpan ServingRenewBefore, TimeSpan CaOverlap)
{
    public static RenewalSettings From(WebhookOptions options) => new(
        options.SelfManagedCaLifetime,
        options.SelfManagedServingLifetime,
        options.SelfManagedCaRenewBefore,
        options.SelfManagedServingRenewBefore,
        options.SelfManagedCertificateCaOverlap);
}

/// <summary>What the Secret holds, as far as the renewal decision is concerned.</summary>
/// <param name="CaNotBefore">When the current CA (the one ca.key belongs to) became valid.</param>
/// <param name="CaNotAfter">When the current CA expires.</param>
/// <param name="ServingNotAfter">When tls.crt expires.</param>
/// <param name="ServingIssuedByCa">tls.crt is signed by the current CA; false during a CA overlap.</param>
/// <param name="ServingNamesMatch">tls.crt names exactly the names wanted.</param>
/// <param name="BundleHasExpired">ca.crt holds an expired CA.</param>
/// <param name="RotateRequested">The Secret carries the rotate annotation.</param>
/// <param name="RotateCaRequested">The Secret carries the rotate-ca annotation.</param>
internal sealed record CertificateFacts(
    DateTimeOffset CaNotBefore,
    DateTimeOffset CaNotAfter,
    DateTimeOffset ServingNotAfter,
    bool ServingIssuedByCa,
    bool ServingNamesMatch,
    bool BundleHasExpired,
    bool RotateRequested,
    bool RotateCaRequested);

/// <summary>
/// The renewal state machine. A CA rotation has two steps so no client ever meets a serving
/// certificate its caBundle does not trust: first the new CA joins ca.crt (and so the
/// caBundle) while the old CA's leaf keeps serving; once <see cref="RenewalSettings.CaOverlap"/>
/// has passed since the new CA was issued, the serving certificate switches to a leaf of the
/// new CA. The old CA stays in ca.crt until it expires, then is pruned.
/// </summary>
internal static class RenewalPlan
{
    /// <summary>The action due at <paramref name="now"/>; <paramref name="facts"/> null means no usable Secret.</summary>
    public static RenewalAction Decide(CertificateFacts? facts, DateTimeOffset now, RenewalSettings settings)
    {
        if (facts is null || now >= facts.CaNotAfter)
        {
            return RenewalAction.Create;
        }

        if (!facts.ServingIssuedByCa)
        {
            return now >= OverlapEnd(facts, settings) || now >= facts.ServingNotAfter
                ? RenewalAction.FinishCaRotation
                : RenewalAction.None;
        }

        if (facts.RotateCaRequested || now >= facts.CaNotAfter - settings.CaRenewBefore)
        {
            return RenewalAction.StartCaRotation;
        }

        if (facts.RotateRequested || !facts.ServingNamesMatch || now >= facts.ServingNotAfter - settings.ServingRenewBefore)
        {
            return RenewalAction.RenewServing;
        }

        return facts.BundleHasExpired ? RenewalAction.PruneBundle : RenewalAction.None;
    }

    /// <summary>When the serving certificate may switch to the current CA: its issue time plus the overlap.</summary>
    public static DateTimeOffset OverlapEnd(CertificateFacts facts, RenewalSettings settings) =>
        facts.CaNotBefore + CertificateAuthority.Backdate + settings.CaOverlap;
}
