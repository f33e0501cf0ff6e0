namespace PodIdentityWebhook.Kubernetes;

/// <summary>A token given inline in the kubeconfig; it never changes.</summary>
internal sealed class StaticTokenSource(string token) : IBearerTokenSource
{
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);

    // Records print their members; a token must never reach a log.
    public override string ToString() => "static token";
}
