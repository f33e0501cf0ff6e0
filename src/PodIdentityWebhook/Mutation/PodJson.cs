using System.Text.Json;

namespace PodIdentityWebhook.Mutation;

/// <summary>Typed reads of the pod's raw JSON that refuse what the patch could not safely extend.</summary>
internal static class PodJson
{
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");

    /// <summary>Whether a list holds an item with this name; <paramref name="index"/> -1 means spec.<paramref name="field"/>.</summary>
    public static bool HasNamedItem(PartialJsonElement items, string name, string field, int index)
    {
        if (items.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new PodShapeException(index < 0
                    ? $"every item of spec.{field} must be an object"
                    : $"every item of spec.{field}[{index}].volumeMounts must be an object");
            }

            if (item.TryGetProperty(NameProperty.EncodedUtf8Bytes, out var itemName)
                && itemName.ValueKind == JsonValueKind.String
                && itemName.ValueEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The named child of an object: Undefined when absent or null (or the parent is not an
    /// object); otherwise it must be of the <paramref name="expected"/> kind, because the
    /// patch would otherwise replace what the owner wrote.
    /// </summary>
    public static PartialJsonElement Property(PartialJsonElement parent, string name, JsonValueKind expected, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty(name, out var value)
            || value.ValueKind == JsonValueKind.Null)
        {
            return default;
        }

        return value.ValueKind == expected
            ? value
            : throw new PodShapeException($"{where} must be {(expected == JsonValueKind.Array ? "an array" : "an object")}, not {Describe(value.ValueKind)}");
    }

    /// <summary>A container's list field; the path in the message is only built on failure.</summary>
    public static PartialJsonElement ContainerProperty(PartialJsonElement container, string name, string field, int index)
    {
        if (!container.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Array)
        {
            return value.ValueKind == JsonValueKind.Array ? value : default;
        }

        throw new PodShapeException($"spec.{field}[{index}].{name} must be an array, not {Describe(value.ValueKind)}");
    }

    public static bool TryGetPath(PartialJsonElement element, out PartialJsonElement value, params ReadOnlySpan<string> path)
    {
        value = element;
        foreach (var segment in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                value = default;
                return false;
            }
        }

        return true;
    }

    public static bool TryGetString(PartialJsonElement parent, string name, out string value)
    {
        if (parent.ValueKind == JsonValueKind.Object
            && parent.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString() ?? "";
            return true;
        }

        value = "";
        return false;
    }

    /// <summary>A JSON value kind as a message names it ("an object", "a string", ...).</summary>
    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
