namespace PodIdentityWebhook.Identity;

/// <summary>The EKS Pod Identity associations (--watch-container-credentials-config).</summary>
internal interface IContainerCredentialsSource
{
    bool Contains(string @namespace, string serviceAccount);

    /// <summary>Every association, in no particular order.</summary>
    IReadOnlyCollection<(string Namespace, string ServiceAccount)> All();
}
