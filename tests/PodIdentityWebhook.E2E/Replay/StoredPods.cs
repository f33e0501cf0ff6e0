using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PodIdentityWebhook.E2E.Replay;

/// <summary>
/// Makes two pods stored by the API server comparable: drops what differs between any two
/// objects (names, uids, versions, timestamps, field managers, status), gives the generated
/// service-account volume a fixed name, and orders volumes and mounts by name: the API
/// server's own admission appends its volume before the webhook runs, and after it when the
/// pod arrives already mutated.
/// </summary>
internal static partial class StoredPods
{
    private static readonly string[] PerObjectMetadata =
        ["name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp", "managedFields", "selfLink"];

    public static JsonObject Normalize(JsonNode stored)
    {
        var pod = stored.DeepClone().AsObject();
        pod.Remove("status");
        if (pod["metadata"] is JsonObject metadata)
        {
            foreach (var field in PerObjectMetadata)
            {
                metadata.Remove(field);
            }
        }

        if (pod["spec"] is not JsonObject spec)
        {
            return pod;
        }

        SortByName(spec, "volumes");
        foreach (var list in new[] { "initContainers", "containers", "ephemeralContainers" })
        {
            foreach (var container in (spec[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                SortByName(container, "volumeMounts");
            }
        }

        return pod;
    }

    private static void SortByName(JsonObject owner, string property)
    {
        if (owner[property] is not JsonArray items)
        {
            return;
        }

        var sorted = items
            .Select(item => item!.DeepClone().AsObject())
            .Select(item =>
            {
                var name = item["name"]?.GetValue<string>() ?? "";
                item["name"] = GeneratedVolume().Replace(name, "$1");
                return item;
            })
            .OrderBy(item => item["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .ThenBy(item => item["mountPath"]?.GetValue<string>() ?? "", StringComparer.Ordinal)
            .ToArray();
        owner[property] = new JsonArray(sorted);
    }

    /// <summary>The projected volume the API server adds: kube-api-access-abcde.</summary>
    [GeneratedRegex("^(kube-api-access)-[a-z0-9]{5}$")]
    private static partial Regex GeneratedVolume();
}
