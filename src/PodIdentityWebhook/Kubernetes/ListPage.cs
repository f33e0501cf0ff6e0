using System.Text.Json;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// One page of a list. The items live in the page's buffer: project them before disposing.
/// </summary>
internal sealed class ListPage(JsonDocument document) : IDisposable
{
    private readonly JsonElement _metadata = document.RootElement.TryGetProperty("metadata", out var metadata) ? metadata : default;

    /// <summary>The list's resourceVersion: a watch from it misses nothing.</summary>
    public string ResourceVersion => StringOf(_metadata, "resourceVersion") ?? "";

    /// <summary>The token for the next page; null on the last page.</summary>
    public string? Continue => StringOf(_metadata, "continue") is { Length: > 0 } token ? token : null;

    public IEnumerable<JsonElement> Items =>
        document.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray()
            : [];

    public void Dispose() => document.Dispose();

    private static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
