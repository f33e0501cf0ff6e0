using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Tests.PropertyBased;

/// <summary>
/// Whether one JSON document survives inside another: every member of every original object
/// is still there with a contained value, and every original array element still appears,
/// in order, among the output's elements (the webhook appends env entries and mounts and
/// puts its volume first, so arrays may gain elements anywhere but never lose or reorder).
/// </summary>
internal static class JsonContainment
{
    /// <summary>Null when <paramref name="original"/> is contained in <paramref name="output"/>; else where it is not.</summary>
    public static string? FindLoss(JsonNode? original, JsonNode? output) => FindLoss(original, output, "$");

    private static string? FindLoss(JsonNode? original, JsonNode? output, string path)
    {
        switch (original)
        {
            case JsonObject originalObject:
                if (output is not JsonObject outputObject)
                {
                    return $"{path}: an object became {Describe(output)}";
                }

                foreach (var (name, value) in originalObject)
                {
                    if (!outputObject.TryGetPropertyValue(name, out var outputValue))
                    {
                        return $"{path}.{name}: missing from the output";
                    }

                    if (FindLoss(value, outputValue, $"{path}.{name}") is { } loss)
                    {
                        return loss;
                    }
                }

                return null;

            case JsonArray originalArray:
                if (output is not JsonArray outputArray)
                {
                    return $"{path}: an array became {Describe(output)}";
                }

                // Earliest match first: for "is a subsequence" a greedy scan is exact.
                var next = 0;
                for (var i = 0; i < originalArray.Count; i++)
                {
                    while (next < outputArray.Count && FindLoss(originalArray[i], outputArray[next], $"{path}[{i}]") is not null)
                    {
                        next++;
                    }

                    if (next == outputArray.Count)
                    {
                        return $"{path}[{i}]: {Describe(originalArray[i])} is not in the output, or not in its original order";
                    }

                    next++;
                }

                return null;

            default:
                return JsonNode.DeepEquals(original, output)
                    ? null
                    : $"{path}: {Describe(original)} became {Describe(output)}";
        }
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();
}
