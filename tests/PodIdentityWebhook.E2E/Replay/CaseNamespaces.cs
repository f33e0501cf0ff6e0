using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Tests.Mutation;

namespace PodIdentityWebhook.E2E.Replay;

/// <summary>
/// Where one case runs in the shared cluster: every namespace the case names becomes a
/// namespace of its own for this run (so cases and re-runs never meet), in two copies: one
/// the case's webhook serves, and a control copy no webhook serves.
/// </summary>
internal sealed class CaseNamespaces(string run, MutationCase testCase)
{
    private readonly string _prefix = $"r{run}-{Hash(testCase.Name)}";

    /// <summary>The served namespace standing in for the case's <paramref name="original"/>.</summary>
    public string Served(string original) => $"{_prefix}-{original}";

    /// <summary>The control namespace standing in for <paramref name="original"/>.</summary>
    public string Control(string original) => $"{_prefix}-c-{original}";

    /// <summary>Every namespace the case's pod and ServiceAccounts live in.</summary>
    public IEnumerable<string> Originals() =>
        testCase.ServiceAccounts
            .Select(a => a["metadata"]?["namespace"]?.GetValue<string>() ?? testCase.Namespace)
            .Append(testCase.Namespace)
            .Distinct(StringComparer.Ordinal);

    /// <summary>A copy of a namespaced object moved into <paramref name="ns"/>.</summary>
    public static JsonObject MoveTo(JsonObject manifest, string ns)
    {
        var copy = manifest.DeepClone().AsObject();
        var metadata = copy["metadata"] as JsonObject ?? [];
        metadata["namespace"] = ns;
        copy["metadata"] = metadata;
        return copy;
    }

    /// <summary>The ConfigMap table with its <c>ns/sa</c> keys pointed at the served namespaces.</summary>
    public JsonObject ConfigMapTable(JsonObject table)
    {
        var moved = new JsonObject();
        foreach (var (key, value) in table)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var ns = slash < 0 ? "" : key[..slash];
            var movedKey = ns is "" or "*" ? key : Served(ns) + key[slash..];
            moved[movedKey] = value?.DeepClone();
        }

        return moved;
    }

    /// <summary>The container-credentials identities pointed at the served namespaces.</summary>
    public IEnumerable<JsonNode> ContainerCredentials(JsonArray identities) =>
        identities.Select(identity =>
        {
            var moved = identity!.DeepClone().AsObject();
            moved["namespace"] = Served(moved["namespace"]!.GetValue<string>());
            return (JsonNode)moved;
        });

    private static string Hash(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
}
