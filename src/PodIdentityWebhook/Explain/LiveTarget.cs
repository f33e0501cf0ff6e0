using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// The pod or workload <c>explain</c> reads from a live cluster: <see cref="Kind"/> is the
/// API kind (<c>Pod</c>, <c>Deployment</c>, <c>StatefulSet</c>, <c>DaemonSet</c>,
/// <c>ReplicaSet</c>, <c>Job</c>, <c>CronJob</c>).
/// </summary>
internal sealed record LiveTarget(string Kind, string Namespace, string Name)
{
    private const string Forms =
        "NAME, NAMESPACE/NAME, KIND/NAME or KIND/NAMESPACE/NAME, KIND one of pod, deployment (deploy), statefulset (sts), daemonset (ds), replicaset (rs), job, cronjob (cj)";

    private static readonly Dictionary<string, string> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pod"] = "Pod",
        ["pods"] = "Pod",
        ["po"] = "Pod",
        ["deployment"] = "Deployment",
        ["deployments"] = "Deployment",
        ["deploy"] = "Deployment",
        ["statefulset"] = "StatefulSet",
        ["statefulsets"] = "StatefulSet",
        ["sts"] = "StatefulSet",
        ["daemonset"] = "DaemonSet",
        ["daemonsets"] = "DaemonSet",
        ["ds"] = "DaemonSet",
        ["replicaset"] = "ReplicaSet",
        ["replicasets"] = "ReplicaSet",
        ["rs"] = "ReplicaSet",
        ["job"] = "Job",
        ["jobs"] = "Job",
        ["cronjob"] = "CronJob",
        ["cronjobs"] = "CronJob",
        ["cj"] = "CronJob",
    };

    /// <summary>True for a Pod; false for a workload whose pod template is read.</summary>
    public bool IsPod => Kind == "Pod";

    /// <summary>The object's path on the API server.</summary>
    public string ApiPath
    {
        get
        {
            var (prefix, resource) = Kind switch
            {
                "Pod" => ("/api/v1", "pods"),
                "Deployment" => ("/apis/apps/v1", "deployments"),
                "StatefulSet" => ("/apis/apps/v1", "statefulsets"),
                "DaemonSet" => ("/apis/apps/v1", "daemonsets"),
                "ReplicaSet" => ("/apis/apps/v1", "replicasets"),
                "Job" => ("/apis/batch/v1", "jobs"),
                "CronJob" => ("/apis/batch/v1", "cronjobs"),
                _ => throw new InvalidOperationException($"no API path for kind {Kind}"),
            };
            return $"{prefix}/namespaces/{Uri.EscapeDataString(Namespace)}/{resource}/{Uri.EscapeDataString(Name)}";
        }
    }

    /// <summary>As people name it: <c>deployment shop/web</c>.</summary>
    public override string ToString() => $"{Kind.ToLowerInvariant()} {Namespace}/{Name}";

    /// <summary>
    /// Reads a reference as kubectl takes one: <c>NAME</c> and <c>NAMESPACE/NAME</c> are pods,
    /// <c>KIND/NAME</c> is in <paramref name="defaultNamespace"/>, <c>KIND/NAMESPACE/NAME</c>.
    /// A first segment that is a kind is a kind, so a pod in a namespace named like a kind needs
    /// <c>pod/NAMESPACE/NAME</c>.
    /// </summary>
    public static LiveTarget Parse(string reference, string defaultNamespace)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var parts = reference.Trim().Split('/');
        if (parts.Any(p => p.Length == 0))
        {
            throw Invalid(reference, "a part is empty");
        }

        var (kind, @namespace, name) = parts.Length switch
        {
            1 => ("Pod", defaultNamespace, parts[0]),
            2 when Kinds.TryGetValue(parts[0], out var k) => (k, defaultNamespace, parts[1]),
            2 => ("Pod", parts[0], parts[1]),
            3 when Kinds.TryGetValue(parts[0], out var k) => (k, parts[1], parts[2]),
            3 => throw Invalid(reference, $"'{parts[0]}' is not a kind explain reads"),
            _ => throw Invalid(reference, "too many '/'"),
        };

        if (!IsDnsLabel(@namespace))
        {
            throw Invalid(reference, $"'{@namespace}' is not a namespace name (lowercase letters, digits and '-', at most 63)");
        }

        if (!IsDnsSubdomain(name))
        {
            throw Invalid(reference, $"'{name}' is not an object name (lowercase letters, digits, '-' and '.', at most 253)");
        }

        return new LiveTarget(kind, @namespace, name);
    }

    private static ConfigurationException Invalid(string reference, string reason) =>
        new($"'{reference}' is not a pod or workload reference: {reason}; use {Forms}");

    private static bool IsDnsLabel(string value) =>
        value.Length <= 63 && IsDnsLabelPart(value);

    private static bool IsDnsSubdomain(string value) =>
        value.Length <= 253 && value.Split('.').All(IsDnsLabelPart);

    private static bool IsDnsLabelPart(string value) =>
        value.Length is > 0 and <= 63
        && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && value[0] != '-'
        && value[^1] != '-';
}
