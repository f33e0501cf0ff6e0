using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// The chart as users install it, with real helm 3 and 4, on a node that runs it: the image,
/// two replicas that are ready only once their cache is, mutating pods that a kubelet starts,
/// whose projected token reads back with STS's audience and the issuer's signature;
/// <c>helm test</c>; and <c>helm uninstall</c> leaving no webhook behind.
/// </summary>
[Collection(NodeClusterGroup.Name)]
public sealed class HelmReleaseTests(NodeCluster cluster, ITestOutputHelper output)
{
    public static TheoryData<int> Majors() => [3, 4];

    [NodeClusterTheory]
    [MemberData(nameof(Majors))]
    public async Task A_self_managed_release_injects_running_pods_passes_helm_test_and_uninstalls_cleanly(int major)
    {
        await using var release = await ChartRelease.CreateAsync(cluster, major, "selfmanaged");
        var apps = await release.ServedNamespaceAsync("apps");
        var installed = await release.InstallAsync("certificates.mode=selfManaged", "replicaCount=2", $"tests.namespace={apps.Name}");
        output.WriteLine(installed);
        Assert.Contains($"helm test {release.Name} -n {release.Namespace} --logs", installed, StringComparison.Ordinal);

        var deployment = await cluster.GetJsonAsync("-n", release.Namespace, "get", "deployment", release.FullName);
        Assert.Equal(2, deployment["status"]!["readyReplicas"]!.GetValue<int>());

        var pod = await Workloads.RunAsync(cluster, apps.Name, "reader", Workloads.RoleArn);
        var env = Workloads.Environment(pod);
        Assert.Equal(Workloads.RoleArn, env["AWS_ROLE_ARN"]);
        Assert.Equal("/var/run/secrets/eks.amazonaws.com/serviceaccount/token", env["AWS_WEB_IDENTITY_TOKEN_FILE"]);
        var token = IssuedToken.Parse(await cluster.KubectlAsync("-n", apps.Name, "exec", Workloads.PodName(pod), "--", "cat", env["AWS_WEB_IDENTITY_TOKEN_FILE"]!));
        Assert.Equal(["sts.amazonaws.com"], token.Audiences);
        Assert.Equal($"system:serviceaccount:{apps.Name}:reader", token.Subject);
        Assert.True(await token.VerifiesAgainstIssuerAsync(cluster.CaFile));

        var (exit, stdout, stderr) = await release.TestAsync();
        Assert.True(exit == 0, stdout + stderr);
        var testLog = await cluster.KubectlAsync("-n", release.Namespace, "logs", $"{release.FullName}-test");
        output.WriteLine(testLog);
        Assert.Contains("gets its identity", testLog, StringComparison.Ordinal);
        // The test's identity and RBAC are gone once it passed.
        Assert.Equal(1, (await cluster.TryKubectlAsync("-n", apps.Name, "get", "serviceaccount", $"{release.FullName}-test-identity")).ExitCode);

        output.WriteLine(await release.UninstallAsync());
        Assert.Equal(1, (await cluster.TryKubectlAsync("get", "mutatingwebhookconfiguration", release.FullName)).ExitCode);
        var after = await Workloads.RunAsync(cluster, apps.Name, "after", Workloads.RoleArn);
        Assert.False(Workloads.Environment(after).ContainsKey("AWS_ROLE_ARN"));
    }

    [NodeClusterFact]
    public async Task A_release_with_an_existing_secret_serves_with_that_certificate()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 4, "existing");
        var apps = await release.ServedNamespaceAsync("apps");
        var now = DateTimeOffset.UtcNow;
        using var ca = Certificates.CertificateAuthority.CreateCa(now, TimeSpan.FromDays(1));
        using var serving = Certificates.CertificateAuthority.IssueServing(ca, [$"{release.FullName}.{release.Namespace}.svc"], now, TimeSpan.FromDays(1));
        var folder = Directory.CreateTempSubdirectory("piw-existing-secret-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "tls.crt"), serving.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(folder, "tls.key"), serving.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            await cluster.KubectlAsync("-n", release.Namespace, "create", "secret", "tls", "webhook-tls",
                "--cert", Path.Combine(folder, "tls.crt"), "--key", Path.Combine(folder, "tls.key"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var caBundle = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()));
        output.WriteLine(await release.InstallAsync(
            "certificates.mode=existingSecret", "certificates.existingSecret.name=webhook-tls",
            $"certificates.existingSecret.caBundle={caBundle}", "replicaCount=2", $"tests.namespace={apps.Name}"));

        var (exit, stdout, stderr) = await release.TestAsync();
        Assert.True(exit == 0, stdout + stderr);
        var pod = await Workloads.RunAsync(cluster, apps.Name, "reader", Workloads.RoleArn);
        Assert.Equal(Workloads.RoleArn, Workloads.Environment(pod)["AWS_ROLE_ARN"]);
    }

    [NodeClusterFact]
    public async Task Helm_test_fails_when_no_replica_serves()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 3, "down");
        var apps = await release.ServedNamespaceAsync("apps");
        output.WriteLine(await release.InstallAsync("certificates.mode=selfManaged", "replicaCount=1", $"tests.namespace={apps.Name}"));
        // Scaled down once it serves, as a release that went down would be. Scaled down
        // straight after the install, while the pod could still be starting, it once took the
        // busy node more than a minute to delete (a CI run, 2026-12-05); a running one goes in
        // seconds.
        await cluster.KubectlAsync("-n", release.Namespace, "rollout", "status", $"deployment/{release.FullName}", "--timeout=120s");
        await cluster.KubectlAsync("-n", release.Namespace, "scale", "deployment", release.FullName, "--replicas=0");
        await cluster.KubectlAsync("-n", release.Namespace, "wait", "pods", "-l", "app.kubernetes.io/component=pod-identity-webhook", "--for=delete", "--timeout=120s");

        var (exit, stdout, stderr) = await release.TestAsync();

        Assert.NotEqual(0, exit);
        output.WriteLine(stdout + stderr);
        var testLog = await cluster.KubectlAsync("-n", release.Namespace, "logs", $"{release.FullName}-test");
        Assert.Contains("gets NO identity", testLog, StringComparison.Ordinal);
    }
}
