using System.Text.Json.Nodes;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>Workloads the in-cluster tests run: a ServiceAccount and a Deployment of the toolbox image.</summary>
internal static class Workloads
{
    public const string RoleArn = "arn:aws:iam::111122223333:role/in-cluster-reader";

    /// <summary>
    /// A ServiceAccount (with the role annotation when <paramref name="roleArn"/> is given) and a
    /// one-replica Deployment of it that sleeps; waits until it is Available and returns its pod.
    /// </summary>
    public static async Task<JsonNode> RunAsync(NodeCluster cluster, string ns, string name, string? roleArn)
    {
        var annotations = roleArn is null ? "{}" : $$"""{"eks.amazonaws.com/role-arn": "{{roleArn}}"}""";
        await cluster.KubectlWithInputAsync($$"""
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: {{name}}
              namespace: {{ns}}
              annotations: {{annotations}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: {{name}}, namespace: {{ns}}}
            spec:
              replicas: 1
              selector: {matchLabels: {app: {{name}} } }
              template:
                metadata: {labels: {app: {{name}} } }
                spec:
                  serviceAccountName: {{name}}
                  securityContext: {runAsUser: 1000, runAsNonRoot: true, fsGroup: 1000}
                  containers:
                    - name: app
                      image: {{NodeCluster.ToolboxImage}}
                      imagePullPolicy: Never
                      command: [sleep, "3600"]
            """, "apply", "-f", "-");
        await cluster.KubectlAsync("-n", ns, "rollout", "status", $"deployment/{name}", "--timeout=120s");
        var pods = await cluster.GetJsonAsync("-n", ns, "get", "pods", "-l", $"app={name}");
        return pods["items"]!.AsArray().Single(p => p!["metadata"]!["deletionTimestamp"] is null)!;
    }

    public static string PodName(JsonNode pod) => pod["metadata"]!["name"]!.GetValue<string>();

    /// <summary>The first container's environment, by name.</summary>
    public static Dictionary<string, string?> Environment(JsonNode pod) =>
        (pod["spec"]!["containers"]![0]!["env"] as JsonArray ?? [])
            .ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]?.GetValue<string>(), StringComparer.Ordinal);
}
