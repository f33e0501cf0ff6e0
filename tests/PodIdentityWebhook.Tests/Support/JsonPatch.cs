using System.Globalization;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// Applies an RFC 6902 patch the way the API server does, for the operations the webhook may
/// emit. Written apart from the product's JsonPatchApplier on purpose: a test oracle that shared
/// the product's pointer handling would share its bugs.
/// </summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray patch)
    {
        var root = document.DeepClone();
        foreach (var operation in patch)
        {
            var op = operation?["op"]?.GetValue<string>();
            Assert.True(op == "add", $"the webhook only adds, but the patch holds \"{op}\": {operation?.ToJsonString()}");
            var path = operation!["path"]!.GetValue<string>();
            var value = operation["value"]?.DeepClone();
            Add(root, path, value);
        }

        return root;
    }

    private static void Add(JsonNode root, string path, JsonNode? value)
    {
        Assert.StartsWith("/", path, StringComparison.Ordinal);
        var tokens = path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        var parent = root;
        foreach (var token in tokens[..^1])
        {
            parent = parent is JsonArray array
                ? array[int.Parse(token, CultureInfo.InvariantCulture)]!
                : parent[token] ?? throw new InvalidOperationException($"{path}: no member \"{token}\" to add under");
        }

        var last = tokens[^1];
        switch (parent)
        {
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array:
                var index = int.Parse(last, CultureInfo.InvariantCulture);
                Assert.InRange(index, 0, array.Count);
                array.Insert(index, value);
                break;
            case JsonObject obj:
                // RFC 6902 "add" on an existing member replaces it; the webhook must only add what is missing.
                Assert.True(
                    obj[last] is null,
                    $"{path}: \"add\" would replace the existing value {obj[last]?.ToJsonString()}");
                obj[last] = value;
                break;
            default:
                throw new InvalidOperationException($"{path}: the parent is not a container");
        }
    }
}
