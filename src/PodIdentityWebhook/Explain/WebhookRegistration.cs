using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// One webhook registered for pod creation: where the API server sends the review and which
/// pods it sends. Offline, explain assumes <see cref="Shipped"/>, the registration in
/// <c>deploy/mutatingwebhook.yaml</c> and the chart's defaults.
/// </summary>
/// <param name="Configuration">The MutatingWebhookConfiguration's name.</param>
/// <param name="FailurePolicy">Fail or Ignore (Fail when the registration does not say).</param>
/// <param name="ServiceHasReadyEndpoints">Live mode: whether the service has a ready endpoint; null when unknown or a URL is used.</param>
internal sealed record WebhookRegistration(
    string Configuration,
    string Name,
    string FailurePolicy,
    JsonObject? NamespaceSelector,
    JsonObject? ObjectSelector,
    string? ServiceNamespace,
    string? ServiceName,
    string? Url,
    bool? ServiceHasReadyEndpoints,
    bool HasCaBundle)
{
    /// <summary>The namespace of the shipped install (deploy/ and the chart's default).</summary>
    public const string ShippedNamespace = "pod-identity-webhook";

    /// <summary>The registration <c>deploy/mutatingwebhook.yaml</c> creates (a test keeps the two equal).</summary>
    public static WebhookRegistration Shipped { get; } = new(
        "pod-identity-webhook",
        "pod-identity-webhook.amazonaws.com",
        "Ignore",
        JsonNode.Parse("""
            {"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system","pod-identity-webhook"]}]}
            """)!.AsObject(),
        JsonNode.Parse("""
            {"matchExpressions":[
              {"key":"eks.amazonaws.com/skip-pod-identity-webhook","operator":"DoesNotExist"},
              {"key":"app.kubernetes.io/name","operator":"NotIn","values":["pod-identity-webhook"]}]}
            """)!.AsObject(),
        ShippedNamespace,
        "pod-identity-webhook",
        null,
        null,
        true);

    /// <summary>
    /// Whether the API server calls this webhook for the pod: the namespace's labels against the
    /// namespaceSelector, the pod's labels against the objectSelector. Null when it is called;
    /// otherwise the selector and requirement that exclude the pod.
    /// </summary>
    public string? Excludes(IReadOnlyDictionary<string, string> namespaceLabels, IReadOnlyDictionary<string, string> podLabels)
    {
        if (!LabelSelector.Matches(NamespaceSelector, namespaceLabels, out var namespaceFailure))
        {
            return $"its namespaceSelector excludes the namespace ({namespaceFailure})";
        }

        return LabelSelector.Matches(ObjectSelector, podLabels, out var objectFailure)
            ? null
            : $"its objectSelector excludes the pod ({objectFailure})";
    }
}
