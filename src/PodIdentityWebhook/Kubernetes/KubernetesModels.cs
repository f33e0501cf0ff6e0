using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
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
internal sealed partial class KubernetesModels : JsonSerializerContext
{
    /// <summary>
    /// The fields of an object the webhook reads, by JSON name; a type not listed keeps all of its own.
    /// </summary>
    private static readonly Dictionary<Type, string[]> ReadFields = new()
    {
        [typeof(V1ObjectMeta)] = ["name", "namespace", "resourceVersion", "annotations"],
        [typeof(V1ServiceAccount)] = ["apiVersion", "kind", "metadata"],
    };

    /// <summary>
    /// How the webhook decodes <typeparamref name="T"/> from the API server: the fields in
    /// <see cref="ReadFields"/>, everything else skipped by the reader instead of built: an
    /// object's managedFields (each entry's fieldsV1 a JSON document of its own), labels,
    /// owners and timestamps, a ServiceAccount's secrets. A list of 1,000 ServiceAccounts
    /// allocates about 1 MB less (docs/performance.md).
    /// </summary>
    public static JsonTypeInfo<T> Read<T>() => (JsonTypeInfo<T>)Reading.Options.GetTypeInfo(typeof(T));

    private static void KeepReadFields(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || !ReadFields.TryGetValue(type.Type, out var keep))
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (Array.IndexOf(keep, type.Properties[i].Name) < 0)
            {
                type.Properties.RemoveAt(i);
            }
        }
    }

    /// <summary>Made on first use, once the generated context exists.</summary>
    private static class Reading
    {
        public static readonly JsonSerializerOptions Options = new() { TypeInfoResolver = Default.WithAddedModifier(KeepReadFields) };
    }
}
