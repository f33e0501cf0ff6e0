namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>An EKS Pod Identity association: a ServiceAccount of a namespace gets a role.</summary>
internal sealed record PodIdentityAssociation(string Namespace, string ServiceAccount, string RoleArn)
{
    /// <summary>The "sub" of the ServiceAccount's tokens.</summary>
    public string Subject => $"system:serviceaccount:{Namespace}:{ServiceAccount}";
}
