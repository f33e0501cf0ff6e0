namespace PodIdentityWebhook.Options;

/// <summary>
/// What the operator configured cannot work: a flag's value, a file a flag names (certificate,
/// ServiceAccounts, container credentials, kubeconfig, explain's inputs), a port, the instance
/// metadata --compose-role-arn needs. The message names the flag and the reason, so the
/// process prints it as is and exits 1; the same type for the server and for <c>explain</c>.
/// </summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
