using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>The node cluster's facts, as <c>scripts/cluster.sh env</c> prints them (CLUSTER_KUBECONFIG, CLUSTER_ISSUER, ...).</summary>
internal static class ClusterFacts
{
    public static async Task<Dictionary<string, string>> ReadAsync()
    {
        var (exit, stdout, stderr) = await Tool.RunAsync("bash", ["scripts/cluster.sh", "env"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"the node cluster is not up ({stderr.Trim()}): run scripts/cluster.sh up, as scripts/test.sh does");
        }

        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
    }
}
