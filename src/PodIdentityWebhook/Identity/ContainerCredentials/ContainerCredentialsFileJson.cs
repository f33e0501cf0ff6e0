using System.Text.Json.Serialization;

namespace PodIdentityWebhook.Identity;

/// <summary>The --watch-container-credentials-config file: <c>{"identities":[…]}</c>.</summary>
internal sealed class ContainerCredentialsFileJson
{
    [JsonPropertyName("identities")]
    public List<ContainerCredentialsIdentityJson?>? Identities { get; set; }
}
