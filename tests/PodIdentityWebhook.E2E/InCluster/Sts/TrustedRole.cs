namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// An IAM role whose trust policy lets the stand-in's OIDC provider assume it, as EKS's IRSA
/// documentation writes it: Federated = the provider, Action = sts:AssumeRoleWithWebIdentity,
/// Condition StringEquals on "{issuer}:aud" and "{issuer}:sub".
/// </summary>
internal sealed record TrustedRole(string RoleArn, IReadOnlyList<string> Audiences, IReadOnlyList<string> Subjects)
{
    /// <summary>The role's name: what follows the last '/' of its ARN (paths come before it).</summary>
    public string Name => RoleArn[(RoleArn.LastIndexOf('/') + 1)..];

    public bool Allows(IReadOnlyList<string> audiences, string subject) =>
        audiences.Any(a => Audiences.Contains(a, StringComparer.Ordinal)) && Subjects.Contains(subject, StringComparer.Ordinal);
}
