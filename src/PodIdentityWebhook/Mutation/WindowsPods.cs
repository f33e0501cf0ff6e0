using System.Text.Json;

namespace PodIdentityWebhook.Mutation;

/// <summary>Whether a pod runs on Windows, where the token path takes the <c>C:\</c> form.</summary>
internal static class WindowsPods
{
    public static bool IsWindows(PartialJsonElement spec)
    {
        var nodeSelector = PodJson.Property(spec, "nodeSelector", JsonValueKind.Object, "spec.nodeSelector");
        if (IsWindowsValue(nodeSelector, PodNames.OsLabel) || IsWindowsValue(nodeSelector, PodNames.BetaOsLabel))
        {
            return true;
        }

        return RequiredAffinityPinsWindows(spec);
    }

    private static bool IsWindowsValue(PartialJsonElement selector, string key) =>
        selector.ValueKind == JsonValueKind.Object
        && selector.TryGetProperty(key, out var value)
        && value.ValueKind == JsonValueKind.String
        && value.ValueEquals(PodNames.WindowsOs);

    /// <summary>
    /// True when every required node-selector term (terms are ORed) contains an expression
    /// that only admits Windows nodes, so the pod can only ever run on Windows.
    /// </summary>
    private static bool RequiredAffinityPinsWindows(PartialJsonElement spec)
    {
        if (!PodJson.TryGetPath(spec, out var terms, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
            || terms.ValueKind != JsonValueKind.Array
            || terms.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var term in terms.EnumerateArray())
        {
            if (!TermPinsWindows(term))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TermPinsWindows(PartialJsonElement term)
    {
        if (term.ValueKind != JsonValueKind.Object
            || !term.TryGetProperty("matchExpressions", out var expressions)
            || expressions.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var expression in expressions.EnumerateArray())
        {
            if (expression.ValueKind == JsonValueKind.Object
                && PodJson.TryGetString(expression, "key", out var key)
                && (key == PodNames.OsLabel || key == PodNames.BetaOsLabel)
                && PodJson.TryGetString(expression, "operator", out var op)
                && op == "In"
                && expression.TryGetProperty("values", out var values)
                && values.ValueKind == JsonValueKind.Array
                && values.GetArrayLength() > 0
                && values.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String && v.ValueEquals(PodNames.WindowsOs)))
            {
                return true;
            }
        }

        return false;
    }
}
