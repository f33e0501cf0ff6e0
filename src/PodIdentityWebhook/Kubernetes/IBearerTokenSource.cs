namespace PodIdentityWebhook.Kubernetes;

/// <summary>Supplies the bearer token for each API request; implementations may rotate it.</summary>
internal interface IBearerTokenSource
{
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}
