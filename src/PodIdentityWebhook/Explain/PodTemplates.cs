using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Explain;

/// <summary>Turns a Pod or a workload manifest into the pod the API server would send the webhook.</summary>
internal static class PodTemplates
{
    private static readonly HashSet<string> TemplateKinds =
        ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"];

    public static bool IsWorkload(string? kind) => kind is "Pod" or "CronJob" || (kind is not null && TemplateKinds.Contains(kind));

    public static JsonObject ToPod(JsonNode workload)
    {
        var kind = workload["kind"]!.GetValue<string>();
        if (kind == "Pod")
        {
            return workload.DeepClone().AsObject();
        }

        var template = kind == "CronJob"
            ? workload["spec"]?["jobTemplate"]?["spec"]?["template"]
            : workload["spec"]?["template"];
        if (template is not JsonObject)
        {
            throw new ExplainInputException($"the {kind} has no pod template");
        }

        var metadata = template["metadata"]?.DeepClone() as JsonObject ?? [];
        var owner = workload["metadata"];
        if (metadata["namespace"] is null && owner?["namespace"] is { } ns)
        {
            metadata["namespace"] = ns.DeepClone();
        }

        // Controllers create pods with generateName; the name is not known at admission.
        if (metadata["name"] is null && metadata["generateName"] is null && owner?["name"] is { } name)
        {
            metadata["generateName"] = name.GetValue<string>() + "-";
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }
}
