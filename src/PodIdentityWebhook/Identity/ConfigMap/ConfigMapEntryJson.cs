using System.Text.Json.Serialization;

namespace PodIdentityWebhook.Identity;

/// <summary>One value of the ConfigMap <c>config</c> JSON, as written (the reference's Go field names).</summary>
internal sealed class ConfigMapEntryJson
{
    [JsonPropertyName("RoleARN")]
    public string? RoleArn { get; set; }

    [JsonPropertyName("Audience")]
    public string? Audience { get; set; }

    [JsonPropertyName("UseRegionalSTS")]
    public bool? UseRegionalSts { get; set; }

    [JsonPropertyName("TokenExpiration")]
    public long? TokenExpiration { get; set; }
}
