using System.Text.Json.Serialization;

namespace PodIdentityWebhook.Identity;

/// <summary>One EKS Pod Identity association in the container-credentials file.</summary>
internal sealed class ContainerCredentialsIdentityJson
{
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("serviceAccount")]
    public string? ServiceAccount { get; set; }
}
