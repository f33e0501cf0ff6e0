using System.Text.Json.Serialization;

namespace PodIdentityWebhook.AwsClient;

/// <summary>Source-generated JSON, so the log line needs no reflection under Native AOT.</summary>
[JsonSerializable(typeof(CallerIdentity))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
