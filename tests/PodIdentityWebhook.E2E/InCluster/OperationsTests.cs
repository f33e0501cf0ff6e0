using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// Day-two operations on an installed release with <c>failurePolicy: Fail</c>, while pods are
/// created without pause: an upgrade to a new image and a deleted replica refuse no creation;
/// the PodDisruptionBudget never blocks a drain of a single replica and lets one of two go
/// at a time.
/// </summary>
[Collection(NodeClusterGroup.Name)]
public sealed class OperationsTests(NodeCluster cluster, ITestOutputHelper output)
{
    private const string NextImage = "localhost/pod-identity-webhook:next";

    [NodeClusterFact]
    public async Task An_upgrade_to_a_new_image_under_pod_churn_refuses_no_creation()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 3, "upgrade");
        var apps = await ServedWithRoleAsync(release);
        await release.InstallAsync(FailClosed(apps));
        await Tool.RunCheckedAsync("bash", ["scripts/cluster.sh", "tag", NodeCluster.WebhookImage, NextImage]);

        PodChurn churn;
        await using ((churn = PodChurn.Start(cluster, apps.Name, "churn")).ConfigureAwait(false))
        {
            await churn.WaitForMoreAsync(20);
            output.WriteLine(await release.UpgradeAsync([.. FailClosed(apps), $"image.tag={NextImage.Split(':')[1]}"]));
            await churn.WaitForMoreAsync(20);
        }

        output.WriteLine(churn.ToString());
        Assert.True(churn.Failures.Count == 0, string.Join('\n', churn.Failures));
        Assert.Equal(0, churn.Uninjected);
        var pods = await cluster.GetJsonAsync("-n", release.Namespace, "get", "pods", "-l", WebhookPods(release));
        Assert.All(pods["items"]!.AsArray().Where(p => p!["metadata"]!["deletionTimestamp"] is null),
            p => Assert.Equal(NextImage, p!["spec"]!["containers"]![0]!["image"]!.GetValue<string>()));
    }

    [NodeClusterFact]
    public async Task With_one_replica_deleted_creations_keep_succeeding()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 4, "replica");
        var apps = await ServedWithRoleAsync(release);
        await release.InstallAsync(FailClosed(apps));
        var victim = (await cluster.KubectlAsync("-n", release.Namespace, "get", "pods", "-l", WebhookPods(release), "-o", "jsonpath={.items[0].metadata.name}")).Trim();

        PodChurn churn;
        await using ((churn = PodChurn.Start(cluster, apps.Name, "churn")).ConfigureAwait(false))
        {
            await churn.WaitForMoreAsync(20);
            await cluster.KubectlAsync("-n", release.Namespace, "delete", "pod", victim);
            await cluster.KubectlAsync("-n", release.Namespace, "rollout", "status", $"deployment/{release.FullName}", "--timeout=120s");
            await churn.WaitForMoreAsync(20);
        }

        output.WriteLine(churn.ToString());
        Assert.True(churn.Failures.Count == 0, string.Join('\n', churn.Failures));
        Assert.Equal(0, churn.Uninjected);
    }

    [NodeClusterFact]
    public async Task With_one_replica_the_pdb_lets_a_drain_through()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 3, "drain1");
        await release.InstallAsync("certificates.mode=selfManaged", "replicaCount=1");
        var before = await WebhookPodNamesAsync(release);
        try
        {
            var (exit, stdout, stderr) = await DrainAsync(release, TimeSpan.FromSeconds(60));
            output.WriteLine(stdout + stderr);
            Assert.True(exit == 0, stdout + stderr);
            Assert.Contains($"pod/{Assert.Single(before)} evicted", stdout, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.KubectlAsync("uncordon", cluster.NodeName);
        }
    }

    [NodeClusterFact]
    public async Task With_two_replicas_the_pdb_lets_one_eviction_through_and_holds_the_second()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 3, "drain2");
        await release.InstallAsync("certificates.mode=selfManaged", "replicaCount=2");
        var before = await WebhookPodNamesAsync(release);
        Assert.Equal(2, before.Count);
        try
        {
            var (exit, stdout, stderr) = await DrainAsync(release, TimeSpan.FromSeconds(20));
            output.WriteLine(stdout + stderr);

            // The node is cordoned, so the evicted replica's replacement cannot start and the
            // budget (minAvailable 1) holds the second one until it could.
            Assert.NotEqual(0, exit);
            Assert.Contains("disruption budget", stdout + stderr, StringComparison.Ordinal);
            var remaining = await WebhookPodNamesAsync(release, runningOnly: true);
            Assert.Single(remaining);
            Assert.Contains(remaining[0], before);
        }
        finally
        {
            await cluster.KubectlAsync("uncordon", cluster.NodeName);
        }

        await cluster.KubectlAsync("-n", release.Namespace, "rollout", "status", $"deployment/{release.FullName}", "--timeout=120s");
    }

    private static string WebhookPods(ChartRelease release) =>
        $"app.kubernetes.io/instance={release.Name},app.kubernetes.io/component=pod-identity-webhook";

    private static string[] FailClosed(TestNamespace apps) =>
        ["certificates.mode=selfManaged", "replicaCount=2", "mutatingWebhook.failurePolicy=Fail", $"tests.namespace={apps.Name}"];

    private async Task<TestNamespace> ServedWithRoleAsync(ChartRelease release)
    {
        var apps = await release.ServedNamespaceAsync("apps");
        await cluster.KubectlAsync("-n", apps.Name, "create", "serviceaccount", "churn");
        await cluster.KubectlAsync("-n", apps.Name, "annotate", "serviceaccount", "churn", $"eks.amazonaws.com/role-arn={Workloads.RoleArn}");
        return apps;
    }

    private async Task<List<string>> WebhookPodNamesAsync(ChartRelease release, bool runningOnly = false)
    {
        var pods = await cluster.GetJsonAsync("-n", release.Namespace, "get", "pods", "-l", WebhookPods(release));
        return [.. pods["items"]!.AsArray()
            .Where(p => !runningOnly || (p!["status"]!["phase"]!.GetValue<string>() == "Running" && p["metadata"]!["deletionTimestamp"] is null))
            .Select(p => p!["metadata"]!["name"]!.GetValue<string>())];
    }

    /// <summary>kubectl drain of the node, limited to this release's webhook pods.</summary>
    private Task<(int ExitCode, string Stdout, string Stderr)> DrainAsync(ChartRelease release, TimeSpan timeout) =>
        cluster.TryKubectlAsync("drain", cluster.NodeName, "--pod-selector", WebhookPods(release),
            "--ignore-daemonsets", "--delete-emptydir-data", $"--timeout={(int)timeout.TotalSeconds}s");
}
