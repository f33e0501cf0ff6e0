namespace PodIdentityWebhook.Kubernetes;

/// <summary>What to list and watch: selectors and the page size.</summary>
/// <param name="Limit">Items per list page; 0 asks for everything at once.</param>
internal sealed record ListOptions(string? LabelSelector = null, string? FieldSelector = null, int Limit = 500);
