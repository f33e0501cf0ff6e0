namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>Which cluster the E2E suite runs against.</summary>
public enum ClusterMode
{
    /// <summary>etcd and kube-apiserver started by the suite (the default).</summary>
    OwnControlPlane,

    /// <summary>The cluster <see cref="ClusterSelection.ExistingClusterVariable"/> names.</summary>
    ExistingCluster,

    /// <summary>k3s in a Docker container started by the suite (Testcontainers.K3s).</summary>
    K3sContainer,
}

/// <summary>
/// Picks the cluster from the environment: <c>E2E_CLUSTER=k3s</c> for k3s in a container,
/// <c>E2E_KUBECONFIG</c> for an existing cluster, neither for the suite's own control plane.
/// A value it does not know, or both at once, is an error rather than a guess.
/// </summary>
public static class ClusterSelection
{
    /// <summary>Selects a cluster the suite starts itself; <see cref="K3s"/> is the only value.</summary>
    public const string ClusterVariable = "E2E_CLUSTER";

    /// <summary>Names the kubeconfig of an existing cluster to run against.</summary>
    public const string ExistingClusterVariable = "E2E_KUBECONFIG";

    /// <summary>The <see cref="ClusterVariable"/> value for k3s in a container.</summary>
    public const string K3s = "k3s";

    /// <summary>The mode the environment selects; throws when it selects none clearly.</summary>
    public static ClusterMode Current =>
        Select(Environment.GetEnvironmentVariable(ClusterVariable), Environment.GetEnvironmentVariable(ExistingClusterVariable));

    /// <summary>
    /// True when neither variable is set: the tests that stop or duplicate the API server can run.
    /// Never throws, so test discovery can ask it; a bad value fails the fixture instead.
    /// </summary>
    public static bool UsesOwnControlPlane =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ClusterVariable))
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ExistingClusterVariable));

    public static ClusterMode Select(string? cluster, string? kubeconfig)
    {
        var hasKubeconfig = !string.IsNullOrEmpty(kubeconfig);
        if (string.IsNullOrEmpty(cluster))
        {
            return hasKubeconfig ? ClusterMode.ExistingCluster : ClusterMode.OwnControlPlane;
        }

        if (!string.Equals(cluster, K3s, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{ClusterVariable}={cluster} is not known; the only value is {K3s} (k3s in a Docker container). "
                + $"Unset it for the suite's own control plane, or set {ExistingClusterVariable} for an existing cluster.");
        }

        if (hasKubeconfig)
        {
            throw new InvalidOperationException(
                $"{ClusterVariable}={cluster} and {ExistingClusterVariable}={kubeconfig} both name a cluster; set one of them.");
        }

        return ClusterMode.K3sContainer;
    }
}
