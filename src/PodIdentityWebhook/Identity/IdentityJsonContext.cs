using System.Text.Json.Serialization;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// Source-generated JSON for the identity configuration files. Keys match without regard to
/// case, as Go's encoding/json does in the reference.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(Dictionary<string, ConfigMapEntryJson?>))]
[JsonSerializable(typeof(ContainerCredentialsFileJson))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
