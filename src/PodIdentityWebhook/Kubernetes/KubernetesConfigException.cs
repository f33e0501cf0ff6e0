namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The API server connection cannot be set up (kubeconfig or in-cluster files missing,
/// unreadable or inconsistent). The message says what is wrong and where, naming the flag,
/// so startup can print it as is and exit.
/// </summary>
internal sealed class KubernetesConfigException : Exception
{
    public KubernetesConfigException(string message)
        : base(message)
    {
    }

    public KubernetesConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
