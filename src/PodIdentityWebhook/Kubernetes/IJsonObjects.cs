using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Reads and writes of single API objects as JSON, for kinds the webhook has no model for
/// (its own Secret, its MutatingWebhookConfiguration). Errors other than a GET's 404 are a
/// <see cref="KubernetesApiException"/> carrying the status code (409 for a lost race).
/// </summary>
internal interface IJsonObjects
{
    /// <summary>The object, or null on 404.</summary>
    Task<JsonObject?> GetJsonAsync(string path, CancellationToken cancellationToken);

    Task<JsonObject> CreateJsonAsync(string collectionPath, JsonObject body, CancellationToken cancellationToken);

    Task<JsonObject> ReplaceJsonAsync(string path, JsonObject body, CancellationToken cancellationToken);
}
