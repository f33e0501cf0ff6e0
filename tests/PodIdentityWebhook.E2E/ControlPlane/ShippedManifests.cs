using System.Text.Json.Nodes;
using PodIdentityWebhook.Manifests;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// The project's shipped YAML (deploy/, the chart's output) put to the API server: a few
/// kinds through <see cref="KubeRest"/>, and anything through the real <c>kubectl</c>.
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

    /// <summary>
    /// Runs the real kubectl (next to kube-apiserver in the control-plane folder, else on
    /// PATH) with the plane's admin kubeconfig; <paramref name="stdin"/> is piped in.
    /// Returns stdout; a non-zero exit throws with stderr, naming what the API server refused.
    /// </summary>
    public static Task<string> KubectlAsync(ControlPlaneFixture plane, string? stdin, params string[] args)
    {
        var assets = Environment.GetEnvironmentVariable("KUBEBUILDER_ASSETS");
        var kubectl = assets is { Length: > 0 } && File.Exists(Path.Combine(assets, "kubectl")) ? Path.Combine(assets, "kubectl") : "kubectl";
        return Tool.RunCheckedAsync(kubectl, ["--kubeconfig", plane.KubeconfigPath, .. args], stdin);
    }

    /// <summary><c>kubectl apply -f -</c> of <paramref name="yaml"/>; returns what kubectl printed (one line per object).</summary>
    public static Task<string> KubectlApplyAsync(ControlPlaneFixture plane, string yaml) =>
        KubectlAsync(plane, yaml, "apply", "-f", "-");

    public static string Kind(JsonObject document) => document["kind"]!.GetValue<string>();

    public static string Name(JsonObject document) => document["metadata"]!["name"]!.GetValue<string>();

    /// <summary>"Kind namespace/name": what identifies an object for comparing what was sent with what is stored.</summary>
    public static string ObjectIdentity(JsonObject document) =>
        $"{Kind(document)} {document["metadata"]!["namespace"]?.GetValue<string>()}/{Name(document)}";
}
