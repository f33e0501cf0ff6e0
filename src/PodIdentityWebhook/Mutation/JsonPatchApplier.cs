using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Mutation;

/// <summary>
/// Applies RFC 6902 <c>add</c> operations to a document, as the API server does with the
/// webhook's patch. Used by the explain command and by tests to check patches for real;
/// any other operation is refused, because the webhook never emits one.
/// </summary>
internal static class JsonPatchApplier
{
    /// <summary>Applies <paramref name="patch"/> (a JSON array) and returns the new root.</summary>
    public static JsonNode Apply(JsonNode root, ReadOnlySpan<byte> patch)
    {
        using var document = JsonDocument.Parse(patch.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonPatchException("a JSON patch must be an array");
        }

        foreach (var operation in document.RootElement.EnumerateArray())
        {
            root = ApplyOne(root, operation);
        }

        return root;
    }

    private static JsonNode ApplyOne(JsonNode root, JsonElement operation)
    {
        var op = operation.TryGetProperty("op", out var o) ? o.GetString() : null;
        if (op != "add")
        {
            throw new JsonPatchException($"unsupported operation \"{op}\"");
        }

        var path = operation.TryGetProperty("path", out var p) ? p.GetString() ?? "" : throw new JsonPatchException("missing path");
        if (!operation.TryGetProperty("value", out var valueElement))
        {
            throw new JsonPatchException($"add {path}: missing value");
        }

        var value = JsonNode.Parse(valueElement.GetRawText());
        if (path.Length == 0)
        {
            return value ?? throw new JsonPatchException("cannot replace the root with null");
        }

        if (path[0] != '/')
        {
            throw new JsonPatchException($"path \"{path}\" must start with /");
        }

        var tokens = path[1..].Split('/').Select(JsonPointer.UnescapeToken).ToArray();
        var parent = root;
        foreach (var token in tokens[..^1])
        {
            parent = Child(parent, token) ?? throw new JsonPatchException($"add {path}: {token} does not exist");
        }

        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= array.Count:
                array.Insert(index, value);
                break;
            default:
                throw new JsonPatchException($"add {path}: cannot add at {last}");
        }

        return root;
    }

    private static JsonNode? Child(JsonNode node, string token) => node switch
    {
        JsonObject obj => obj[token],
        JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
        _ => null,
    };
}
