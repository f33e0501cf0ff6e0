using System.Text.Json.Serialization;
using k8s.Models;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The JSON of the kinds the webhook reads, as KubernetesClient's models: generated for
/// these types only, so the binary does not carry the metadata of the whole API.
/// </summary>
[JsonSerializable(typeof(V1ServiceAccount))]
[JsonSerializable(typeof(V1ServiceAccountList))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1ConfigMapList))]
internal sealed partial class KubernetesModels : JsonSerializerContext;
