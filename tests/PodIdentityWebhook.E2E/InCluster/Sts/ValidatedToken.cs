namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>A token whose signature, lifetime and audience checked out: who it names and for whom.</summary>
internal sealed record ValidatedToken(string Issuer, string Subject, IReadOnlyList<string> Audiences);
