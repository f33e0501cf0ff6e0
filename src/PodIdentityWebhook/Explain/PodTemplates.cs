using System.Text.Json.Nodes;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>Turns a Pod or a workload manifest into the pod the API server would send the webhook.</summary>
internal static class PodTemplates
{
    private static readonly HashSet<string> TemplateKinds =
        ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"];

    public static bool IsWorkload(string? kind) => kind is "Pod" or "CronJob" || (kind is not null && TemplateKinds.Contains(kind));

    public static JsonObject ToPod(JsonNode workload)
    {
        var kind = Text(workload["kind"], "kind");
        if (kind == "Pod")
        {
            var pod = workload.DeepClone().AsObject();
            if (pod["metadata"] is not JsonObject)
            {
                pod["metadata"] = pod["metadata"] is null ? new JsonObject() : throw new ConfigurationException("metadata must be a mapping");
            }

            if (pod["spec"] is not JsonObject)
            {
                throw new ConfigurationException("the Pod has no spec mapping");
            }

            return pod;
        }

        var template = kind == "CronJob"
            ? workload["spec"]?["jobTemplate"]?["spec"]?["template"]
            : workload["spec"]?["template"];
        if (template is not JsonObject)
        {
            throw new ConfigurationException($"the {kind} has no pod template");
        }

        var metadata = template["metadata"] switch
        {
            null => [],
            JsonObject templateMetadata => templateMetadata.DeepClone().AsObject(),
            _ => throw new ConfigurationException($"the {kind}'s pod template metadata must be a mapping"),
        };
        var owner = workload["metadata"];
        if (metadata["namespace"] is null && owner?["namespace"] is { } ns)
        {
            metadata["namespace"] = ns.DeepClone();
        }

        // Controllers create pods with generateName; the name is not known at admission.
        if (metadata["name"] is null && metadata["generateName"] is null && Text(owner?["name"], "metadata.name") is { } name)
        {
            metadata["generateName"] = name + "-";
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }

    /// <summary>A string field of a manifest: null when absent, an explain error when it is not a string.</summary>
    public static string? Text(JsonNode? node, string where) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
        _ => throw new ConfigurationException($"{where} must be a string"),
    };
}
