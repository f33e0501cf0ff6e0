using System.Text.Json.Nodes;
using PodIdentityWebhook.Admission;

namespace PodIdentityWebhook.Explain;

/// <summary>One pod to explain: a Pod, or the pod a workload's template would create.</summary>
/// <param name="Source">Where it came from, e.g. <c>pod.yaml</c> or <c>item 2 of 3 in -</c>.</param>
/// <param name="NamespaceAssumed">The manifest names no namespace: <see cref="Namespace"/> came from --pod-namespace or the default.</param>
/// <param name="ServiceAccountField">Where the ServiceAccount name came from: a spec field, or the default.</param>
internal sealed record ExplainTarget(
    JsonObject Pod,
    string Kind,
    string Source,
    string Namespace,
    bool NamespaceAssumed,
    string ServiceAccount,
    string ServiceAccountField)
{
    /// <summary>The namespace kubectl applies a manifest without one to, unless told otherwise.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>The pod's name, or its generateName for a workload's pod.</summary>
    public string Name => Pod["metadata"]?["name"]?.ToString() ?? Pod["metadata"]?["generateName"]?.ToString() ?? "";

    /// <summary>The pod of <paramref name="workload"/>, with the namespace and ServiceAccount the API server would give it.</summary>
    public static ExplainTarget Of(JsonNode workload, string? podNamespace, string source)
    {
        var pod = PodTemplates.ToPod(workload);
        var metadata = pod["metadata"]!.AsObject();
        var declared = PodTemplates.Text(metadata["namespace"], "metadata.namespace");
        var assumed = string.IsNullOrEmpty(declared);
        var @namespace = assumed ? podNamespace ?? DefaultNamespace : declared!;
        if (assumed)
        {
            metadata["namespace"] = @namespace;
        }

        // The API server fills serviceAccountName from the deprecated serviceAccount field.
        var spec = pod["spec"]!.AsObject();
        var (serviceAccount, field) = PodTemplates.Text(spec["serviceAccountName"], "spec.serviceAccountName") is { Length: > 0 } named
            ? (named, "spec.serviceAccountName")
            : PodTemplates.Text(spec["serviceAccount"], "spec.serviceAccount") is { Length: > 0 } deprecated
                ? (deprecated, "spec.serviceAccount (deprecated; the API server copies it to serviceAccountName)")
                : (AdmissionConstants.DefaultServiceAccountName, "default: the pod names none");
        if (!spec.ContainsKey("serviceAccountName"))
        {
            spec["serviceAccountName"] = serviceAccount;
        }

        return new ExplainTarget(pod, ExplainInputs.Kind(workload) ?? "Pod", source, @namespace, assumed, serviceAccount, field);
    }
}
