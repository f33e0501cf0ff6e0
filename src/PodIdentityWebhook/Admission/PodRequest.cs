using System.Text.Json;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Admission;

/// <summary>The pod inside a review, with the names the decision needs.</summary>
internal readonly record struct PodRequest(PartialJsonElement Object, string Namespace, string PodName, string ServiceAccount)
{
    public static bool TryRead(PartialJsonElement request, out PodRequest pod, out string error)
    {
        pod = default;
        if (request.TryGetProperty("kind"u8, out var requestKind) && requestKind.ValueKind == JsonValueKind.Object
            && requestKind.TryGetProperty("kind"u8, out var kindName) && kindName.ValueKind == JsonValueKind.String
            && !kindName.ValueEquals("Pod"u8))
        {
            error = $"request.kind is {kindName.GetString()}, not Pod: this webhook only mutates pods";
            return false;
        }

        if (!request.TryGetProperty("object"u8, out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            error = "request.object is missing or not an object; expected a Pod";
            return false;
        }

        if (obj.TryGetProperty("kind"u8, out var objectKind)
            && (objectKind.ValueKind != JsonValueKind.String || !objectKind.ValueEquals("Pod"u8)))
        {
            error = "request.object is not a Pod: this webhook only mutates pods";
            return false;
        }

        if (!obj.TryGetProperty("spec"u8, out var spec) || spec.ValueKind != JsonValueKind.Object)
        {
            error = "request.object has no spec object; expected a Pod";
            return false;
        }

        obj.TryGetProperty("metadata"u8, out var metadata);
        var ns = String(request, "namespace"u8);
        if (ns.Length == 0)
        {
            ns = String(metadata, "namespace"u8);
        }

        var name = String(metadata, "name"u8);
        if (name.Length == 0)
        {
            name = String(metadata, "generateName"u8);
        }

        var serviceAccount = String(spec, "serviceAccountName"u8);
        pod = new PodRequest(
            obj,
            ns.Length == 0 ? "default" : ns,
            name,
            serviceAccount.Length == 0 ? AdmissionConstants.DefaultServiceAccountName : serviceAccount);
        error = "";
        return true;
    }

    public AdmissionDecision Decide(PodIdentity? identity, MutationResult? mutation, string? reason) =>
        new(Namespace, PodName, ServiceAccount, identity, mutation, reason);

    private static string String(PartialJsonElement parent, ReadOnlySpan<byte> name) =>
        parent.ValueKind == JsonValueKind.Object
        && parent.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? ""
            : "";
}
