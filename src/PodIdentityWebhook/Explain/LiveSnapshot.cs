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
