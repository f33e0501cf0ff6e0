using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// One webhook registered for pod creation: where the API server sends the review and which
/// pods it sends. Offline, explain assumes <see cref="Shipped"/>, the registration in
/// <c>deploy/base/mutatingwebhook.yaml</c> and the chart's defaults.
/// </summary>
/// <param name="Configuration">The MutatingWebhookConfiguration's name.</param>
/// <param name="Name">The webhook's name inside it.</param>
/// <param name="FailurePolicy"><c>Fail</c> or <c>Ignore</c>; <c>Fail</c> when the field is absent, as the API defaults it.</param>
/// <param name="NamespaceSelector">The webhook's namespaceSelector; the API server stores <c>{}</c> (every namespace) when none was given.</param>
/// <param name="ObjectSelector">The webhook's objectSelector, stored as <c>{}</c> likewise.</param>
/// <param name="ServiceNamespace">clientConfig.service.namespace; null for a URL webhook.</param>
/// <param name="ServiceName">clientConfig.service.name; null for a URL webhook.</param>
/// <param name="Url">clientConfig.url; null for a service webhook.</param>
/// <param name="ServiceHasReadyEndpoints">
/// Live mode: whether the service has a ready endpoint (EndpointSlices, else Endpoints); null
/// for a URL webhook or when neither could be read.
/// </param>
/// <param name="HasCaBundle">Whether clientConfig.caBundle is set.</param>
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

    /// <summary>The registration <c>deploy/base/mutatingwebhook.yaml</c> creates (a test keeps the two equal).</summary>
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
