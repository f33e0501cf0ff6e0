using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// Reads what a live cluster says about one pod or workload for <c>explain</c>: the object, its
/// namespace and ServiceAccount, the webhook's ConfigMap, the mutating webhooks registered for
/// pods and whether their services have endpoints, and the service-account issuer. Only GETs
/// and lists, as JSON (<see cref="KubernetesApi.GetJsonAsync"/>); a read the identity may not
/// make is a note in the snapshot, except the pod or workload itself.
/// </summary>
internal static class LiveCluster
{
    private const string RbacHint = "the RBAC explain needs is in docs/troubleshooting.md";
    private const string DiscoveryPath = "/.well-known/openid-configuration";

    /// <summary>
    /// What the identity running <c>explain</c> against a cluster needs, as RBAC rules: API group
    /// (empty for the core group), resource and verbs. A resource starting with <c>/</c> is a
    /// nonResourceURL (granted to service accounts by <c>system:service-account-issuer-discovery</c>).
    /// </summary>
    public static IReadOnlyList<(string ApiGroup, string Resource, IReadOnlyList<string> Verbs)> RequiredRbac { get; } =
    [
        ("", "pods", ["get"]),
        ("apps", "deployments", ["get"]),
        ("apps", "statefulsets", ["get"]),
        ("apps", "daemonsets", ["get"]),
        ("apps", "replicasets", ["get"]),
        ("batch", "jobs", ["get"]),
        ("batch", "cronjobs", ["get"]),
        ("", "namespaces", ["get"]),
        ("", "serviceaccounts", ["get"]),
        ("", "configmaps", ["get"]),
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations", ["list"]),
        ("discovery.k8s.io", "endpointslices", ["list"]),
        ("", "endpoints", ["get"]),
        ("", DiscoveryPath, ["get"]),
    ];

    /// <summary>
    /// Reads <paramref name="target"/> and what decides its identity. A target that does not
    /// exist or may not be read throws <see cref="ConfigurationException"/>; other reads that
    /// fail become <see cref="LiveSnapshot.Notes"/>. <paramref name="annotationPrefix"/> is the
    /// webhook's --annotation-prefix.
    /// </summary>
    public static async Task<LiveSnapshot> ReadAsync(
        KubernetesApi api,
        LiveTarget target,
        string configMapNamespace,
        string configMapName,
        CancellationToken cancellationToken,
        string annotationPrefix = OptionDefaults.AnnotationPrefix)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(target);
        var reads = new Reads(api, cancellationToken);

        JsonObject workload;
        try
        {
            workload = await api.GetJsonAsync(target.ApiPath, cancellationToken)
                ?? throw new ConfigurationException($"{target} not found");
        }
        catch (KubernetesApiException ex) when (ex.StatusCode == (int)HttpStatusCode.Forbidden)
        {
            throw new ConfigurationException($"cannot read {target}: forbidden; {RbacHint}", ex);
        }

        var serviceAccountName = ServiceAccountNameOf(PodSpecOf(target.Kind, workload));
        var ns = Escape(target.Namespace);
        var (namespaceObject, _) = await reads.GetAsync($"/api/v1/namespaces/{ns}", $"namespace {target.Namespace}");
        var (serviceAccount, _) = await reads.GetAsync(
            $"/api/v1/namespaces/{ns}/serviceaccounts/{Escape(serviceAccountName)}",
            $"serviceaccount {target.Namespace}/{serviceAccountName}");
        var (configMap, _) = await reads.GetAsync(
            $"/api/v1/namespaces/{Escape(configMapNamespace)}/configmaps/{Escape(configMapName)}",
            $"configmap {configMapNamespace}/{configMapName}");
        var webhooks = await ReadWebhooksAsync(reads);
        var (discovery, discoveryRead) = await reads.GetAsync(DiscoveryPath, DiscoveryPath);
        if (discoveryRead && discovery is null)
        {
            reads.Notes.Add($"cannot read {DiscoveryPath}: the API server does not serve it (service account issuer discovery)");
        }

        return new LiveSnapshot(
            target,
            workload,
            namespaceObject,
            serviceAccountName,
            serviceAccount,
            RoleAnnotationSetAt(serviceAccount, $"{annotationPrefix}/{IdentityConstants.RoleArnAnnotation}"),
            target.IsPod ? Time(Child(workload, "metadata", "creationTimestamp")) : null,
            configMap,
            webhooks,
            Text(Child(discovery, "issuer")),
            reads.Notes);
    }

    /// <summary>The pod spec: the pod's own, or the workload's pod template's; null when there is none.</summary>
    internal static JsonNode? PodSpecOf(string kind, JsonObject workload) => kind switch
    {
        "Pod" => Child(workload, "spec"),
        "CronJob" => Child(workload, "spec", "jobTemplate", "spec", "template", "spec"),
        _ => Child(workload, "spec", "template", "spec"),
    };

    /// <summary><c>serviceAccountName</c>, else the deprecated <c>serviceAccount</c>, else <c>default</c>, as the API server resolves it.</summary>
    internal static string ServiceAccountNameOf(JsonNode? podSpec) =>
        Text(Child(podSpec, "serviceAccountName")) is { Length: > 0 } name ? name
        : Text(Child(podSpec, "serviceAccount")) is { Length: > 0 } deprecated ? deprecated
        : AdmissionConstants.DefaultServiceAccountName;

    /// <summary>
    /// The latest managedFields time of a manager owning <paramref name="annotation"/>; null
    /// when the ServiceAccount does not carry it or no entry owns it.
    /// </summary>
    internal static DateTimeOffset? RoleAnnotationSetAt(JsonObject? serviceAccount, string annotation)
    {
        if (Child(serviceAccount, "metadata", "annotations", annotation) is null
            || Child(serviceAccount, "metadata", "managedFields") is not JsonArray entries)
        {
            return null;
        }

        DateTimeOffset? latest = null;
        foreach (var entry in entries)
        {
            if (Child(entry, "fieldsV1", "f:metadata", "f:annotations", "f:" + annotation) is not null
                && Time(Child(entry, "time")) is { } time
                && (latest is null || time > latest))
            {
                latest = time;
            }
        }

        return latest;
    }

    /// <summary>
    /// Whether an admission rule sends CREATE of core-group pods: apiGroups <c>""</c> or
    /// <c>*</c>, resources <c>pods</c>, <c>*</c> or <c>*/*</c>, operations CREATE or <c>*</c>,
    /// a scope that includes namespaced objects.
    /// </summary>
    internal static bool CoversPodCreate(JsonNode? rule) =>
        rule is JsonObject
        && Lists(Child(rule, "apiGroups"), "", "*")
        && Lists(Child(rule, "resources"), "pods", "*", "*/*")
        && Lists(Child(rule, "operations"), "CREATE", "*")
        && Text(Child(rule, "scope")) is null or "*" or "Namespaced";

    /// <summary>The webhooks of a MutatingWebhookConfigurationList that cover pod CREATE, endpoints not yet read.</summary>
    internal static List<WebhookRegistration> PodCreateWebhooks(JsonObject configurations)
    {
        var found = new List<WebhookRegistration>();
        foreach (var configuration in Child(configurations, "items") as JsonArray ?? [])
        {
            var configurationName = Text(Child(configuration, "metadata", "name")) ?? "";
            foreach (var webhook in Child(configuration, "webhooks") as JsonArray ?? [])
            {
                if (!(Child(webhook, "rules") as JsonArray ?? []).Any(CoversPodCreate))
                {
                    continue;
                }

                var service = Child(webhook, "clientConfig", "service");
                found.Add(new WebhookRegistration(
                    configurationName,
                    Text(Child(webhook, "name")) ?? "",
                    Text(Child(webhook, "failurePolicy")) ?? "Fail",
                    Child(webhook, "namespaceSelector")?.DeepClone() as JsonObject,
                    Child(webhook, "objectSelector")?.DeepClone() as JsonObject,
                    Text(Child(service, "namespace")),
                    Text(Child(service, "name")),
                    Text(Child(webhook, "clientConfig", "url")),
                    null,
                    Text(Child(webhook, "clientConfig", "caBundle")) is { Length: > 0 }));
            }
        }

        return found;
    }

    /// <summary>Whether an EndpointSliceList has an endpoint not marked unready (no condition reads as ready).</summary>
    internal static bool AnyReadyEndpoint(JsonObject endpointSlices) =>
        (Child(endpointSlices, "items") as JsonArray ?? [])
            .SelectMany(slice => Child(slice, "endpoints") as JsonArray ?? [])
            .Any(endpoint => endpoint is JsonObject && Child(endpoint, "conditions", "ready")?.GetValueKind() != JsonValueKind.False);

    private static async Task<IReadOnlyList<WebhookRegistration>> ReadWebhooksAsync(Reads reads)
    {
        var (configurations, _) = await reads.GetAsync(
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", "mutatingwebhookconfigurations");
        if (configurations is null)
        {
            return [];
        }

        var endpoints = new Dictionary<(string, string), bool?>();
        var registrations = PodCreateWebhooks(configurations);
        for (var i = 0; i < registrations.Count; i++)
        {
            if (registrations[i] is { ServiceNamespace: { } serviceNamespace, ServiceName: { } serviceName })
            {
                if (!endpoints.TryGetValue((serviceNamespace, serviceName), out var ready))
                {
                    ready = await HasReadyEndpointsAsync(reads, serviceNamespace, serviceName);
                    endpoints[(serviceNamespace, serviceName)] = ready;
                }

                registrations[i] = registrations[i] with { ServiceHasReadyEndpoints = ready };
            }
        }

        return registrations;
    }

    /// <summary>From the service's EndpointSlices, else (not served or not readable) its Endpoints; null when neither can be read.</summary>
    private static async Task<bool?> HasReadyEndpointsAsync(Reads reads, string serviceNamespace, string serviceName)
    {
        var ns = Escape(serviceNamespace);
        var selector = Escape("kubernetes.io/service-name=" + serviceName);
        try
        {
            if (await reads.Api.GetJsonAsync($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector={selector}", reads.CancellationToken)
                is { } slices)
            {
                return AnyReadyEndpoint(slices);
            }
        }
        catch (KubernetesApiException)
        {
            // Read the older Endpoints instead, which the identity may be allowed.
        }

        var (endpoints, read) = await reads.GetAsync(
            $"/api/v1/namespaces/{ns}/endpoints/{Escape(serviceName)}",
            $"endpointslices or endpoints of service {serviceNamespace}/{serviceName}");
        if (!read)
        {
            return null;
        }

        return (Child(endpoints, "subsets") as JsonArray ?? [])
            .Any(subset => Child(subset, "addresses") is JsonArray { Count: > 0 });
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static JsonNode? Child(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var key in path)
        {
            node = node is JsonObject obj ? obj[key] : null;
        }

        return node;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static bool Lists(JsonNode? node, params ReadOnlySpan<string> wanted)
    {
        foreach (var item in node as JsonArray ?? [])
        {
            if (Text(item) is { } text && wanted.Contains(text))
            {
                return true;
            }
        }

        return false;
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Text(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>Optional reads: a failure is a note naming what could not be read and why.</summary>
    private sealed class Reads(KubernetesApi api, CancellationToken cancellationToken)
    {
        public KubernetesApi Api => api;

        public CancellationToken CancellationToken => cancellationToken;

        public List<string> Notes { get; } = [];

        /// <summary>The object (null on 404) and true; null and false when the read failed.</summary>
        public async Task<(JsonObject? Value, bool Read)> GetAsync(string path, string what)
        {
            try
            {
                return (await api.GetJsonAsync(path, cancellationToken), true);
            }
            catch (KubernetesApiException ex)
            {
                Notes.Add(ex.StatusCode == (int)HttpStatusCode.Forbidden
                    ? $"cannot read {what}: forbidden; {RbacHint}"
                    : $"cannot read {what}: {ex.Message}");
                return (null, false);
            }
        }
    }
}
