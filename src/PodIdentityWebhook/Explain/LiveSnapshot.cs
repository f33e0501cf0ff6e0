using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// What a live cluster said about one pod or workload, read once by
/// <see cref="LiveCluster.ReadAsync"/>. Objects are as the API server returned them; a null
/// object is absent or could not be read, and <see cref="Notes"/> says which could not and why.
/// </summary>
/// <param name="Target">What was read.</param>
/// <param name="Workload">The pod or workload.</param>
/// <param name="Namespace">The namespace object, for its labels (webhook namespaceSelectors).</param>
/// <param name="ServiceAccountName">The pod's ServiceAccount: <c>serviceAccountName</c>, else the deprecated <c>serviceAccount</c>, else <c>default</c>.</param>
/// <param name="ServiceAccount">That ServiceAccount; null when it does not exist or could not be read.</param>
/// <param name="RoleAnnotationSetAt">
/// When the ServiceAccount's role-arn annotation was last written, from its managedFields (the
/// latest time of a manager owning the annotation, so any later change by that manager counts);
/// null when the annotation is absent or no managedFields entry owns it (a 1.20 API server, for
/// one, tracks no fields of an object created without any until it is first server-side applied).
/// </param>
/// <param name="PodCreatedAt">The pod's creationTimestamp; null for a workload.</param>
/// <param name="ConfigMap">The webhook's ConfigMap.</param>
/// <param name="Webhooks">Every mutating webhook registered for CREATE of core pods.</param>
/// <param name="OidcIssuer">The issuer the API server publishes at /.well-known/openid-configuration.</param>
/// <param name="Notes">One line per read that failed, with the reason.</param>
internal sealed record LiveSnapshot(
    LiveTarget Target,
    JsonObject Workload,
    JsonObject? Namespace,
    string ServiceAccountName,
    JsonObject? ServiceAccount,
    DateTimeOffset? RoleAnnotationSetAt,
    DateTimeOffset? PodCreatedAt,
    JsonObject? ConfigMap,
    IReadOnlyList<WebhookRegistration> Webhooks,
    string? OidcIssuer,
    IReadOnlyList<string> Notes);

/// <summary>One webhook of a MutatingWebhookConfiguration whose rules cover CREATE of pods.</summary>
/// <param name="Configuration">The MutatingWebhookConfiguration's name.</param>
/// <param name="Name">The webhook's name inside it.</param>
/// <param name="FailurePolicy"><c>Fail</c> or <c>Ignore</c>; <c>Fail</c> when the field is absent, as the API defaults it.</param>
/// <param name="NamespaceSelector">The webhook's namespaceSelector; the API server stores <c>{}</c> (every namespace) when none was given.</param>
/// <param name="ObjectSelector">The webhook's objectSelector, stored as <c>{}</c> likewise.</param>
/// <param name="ServiceNamespace">clientConfig.service.namespace; null for a URL webhook.</param>
/// <param name="ServiceName">clientConfig.service.name; null for a URL webhook.</param>
/// <param name="Url">clientConfig.url; null for a service webhook.</param>
/// <param name="ServiceHasReadyEndpoints">
/// Whether the service has a ready endpoint (EndpointSlices, else Endpoints); null for a URL
/// webhook or when neither could be read.
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
    bool HasCaBundle);
