using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// A Kubernetes label selector (matchLabels and matchExpressions with In, NotIn, Exists,
/// DoesNotExist) evaluated against a set of labels, as the API server evaluates a webhook's
/// namespaceSelector and objectSelector.
/// </summary>
internal static class LabelSelector
{
    /// <summary>
    /// Whether <paramref name="labels"/> satisfy the selector; null and <c>{}</c> match everything.
    /// On a mismatch <paramref name="failure"/> names the first requirement that fails.
    /// </summary>
    public static bool Matches(JsonObject? selector, IReadOnlyDictionary<string, string> labels, out string? failure)
    {
        failure = null;
        if (selector is null)
        {
            return true;
        }

        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                var wanted = value?.ToString() ?? "";
                if (!labels.TryGetValue(key, out var actual) || actual != wanted)
                {
                    failure = actual is null
                        ? $"label {key}={wanted} required, the label is not set"
                        : $"label {key}={wanted} required, it is {actual}";
                    return false;
                }
            }
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                if (!Holds(expression, labels, out failure))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The labels of an object's metadata, string values only.</summary>
    public static Dictionary<string, string> LabelsOf(JsonNode? metadata)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                if (value is JsonValue text && text.TryGetValue<string>(out var s))
                {
                    labels[key] = s;
                }
            }
        }

        return labels;
    }

    private static bool Holds(JsonObject expression, IReadOnlyDictionary<string, string> labels, out string? failure)
    {
        var key = expression["key"]?.ToString() ?? "";
        var op = expression["operator"]?.ToString() ?? "";
        var values = (expression["values"] as JsonArray)?.Select(v => v?.ToString() ?? "").ToList() ?? [];
        var present = labels.TryGetValue(key, out var actual);
        var holds = op switch
        {
            "In" => present && values.Contains(actual!),
            "NotIn" => !present || !values.Contains(actual!),
            "Exists" => present,
            "DoesNotExist" => !present,
            _ => false,
        };
        failure = holds ? null : op switch
        {
            "In" => present ? $"{key} In [{string.Join(", ", values)}] required, it is {actual}" : $"{key} In [{string.Join(", ", values)}] required, the label is not set",
            "NotIn" => $"{key} NotIn [{string.Join(", ", values)}] required, it is {actual}",
            "Exists" => $"label {key} required, it is not set",
            "DoesNotExist" => $"label {key} must not be set, it is {actual}",
            _ => $"operator {op} of {key} is not a label selector operator",
        };
        return holds;
    }
}
