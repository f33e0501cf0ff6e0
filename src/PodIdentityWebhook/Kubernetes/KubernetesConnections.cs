namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Picks the connection from --kubeconfig and --kube-api as the reference's
/// clientcmd.BuildConfigFromFlags does: a kubeconfig when given; otherwise the pod's
/// service account (with --kube-api as the server when set); otherwise, outside a pod,
/// --kube-api alone, unauthenticated.
/// </summary>
internal static class KubernetesConnections
{
    public static KubernetesConnection FromFlags(string kubeconfig, string kubeApi)
    {
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            return KubeconfigLoader.Load(kubeconfig, kubeApi);
        }

        if (string.IsNullOrEmpty(kubeApi) || InClusterConfig.IsAvailable())
        {
            return InClusterConfig.Load(kubeApi);
        }

        return new KubernetesConnection(ServerUrl.Parse(kubeApi, "--kube-api"), "--kube-api");
    }
}
