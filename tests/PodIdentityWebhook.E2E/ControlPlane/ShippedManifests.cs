using System.Text.Json.Nodes;
using PodIdentityWebhook.Manifests;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// Applies the project's shipped YAML (deploy/) to the API server, the objects as written:
/// what <c>kubectl apply -f</c> would send, for the kinds the project ships.
/// </summary>
internal static class ShippedManifests
{
    private static readonly Dictionary<string, (string Group, string Plural, bool Namespaced)> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = ("/api/v1", "namespaces", false),
        ["v1/ServiceAccount"] = ("/api/v1", "serviceaccounts", true),
        ["v1/ConfigMap"] = ("/api/v1", "configmaps", true),
        ["v1/Service"] = ("/api/v1", "services", true),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = ("/apis/rbac.authorization.k8s.io/v1", "clusterroles", false),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = ("/apis/rbac.authorization.k8s.io/v1", "clusterrolebindings", false),
        ["rbac.authorization.k8s.io/v1/Role"] = ("/apis/rbac.authorization.k8s.io/v1", "roles", true),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = ("/apis/rbac.authorization.k8s.io/v1", "rolebindings", true),
    };

    /// <summary>The documents of a file under deploy/, in order.</summary>
    public static IReadOnlyList<JsonObject> Read(string relativePath)
    {
        var path = Path.Combine(ControlPlaneAssets.RepositoryRoot(), relativePath);
        return [.. YamlJson.ParseDocuments(File.ReadAllText(path)).OfType<JsonObject>()];
    }

    public static async Task ApplyAsync(KubeRest rest, IEnumerable<JsonObject> documents)
    {
        foreach (var document in documents)
        {
            await rest.ApplyAsync(CollectionPath(document), document);
        }
    }

    public static string CollectionPath(JsonObject document)
    {
        var key = $"{document["apiVersion"]?.GetValue<string>()}/{document["kind"]?.GetValue<string>()}";
        if (!Kinds.TryGetValue(key, out var kind))
        {
            throw new InvalidDataException($"no collection known for {key}");
        }

        if (!kind.Namespaced)
        {
            return $"{kind.Group}/{kind.Plural}";
        }

        var ns = document["metadata"]?["namespace"]?.GetValue<string>()
            ?? throw new InvalidDataException($"{key} {document["metadata"]?["name"]} has no namespace");
        return $"{kind.Group}/namespaces/{ns}/{kind.Plural}";
    }
}
