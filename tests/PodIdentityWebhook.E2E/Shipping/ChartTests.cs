using System.Diagnostics;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Manifests;
using Xunit.Abstractions;
using static PodIdentityWebhook.E2E.ControlPlane.ShippedManifests;

namespace PodIdentityWebhook.E2E.Shipping;

/// <summary>
/// The Helm chart, rendered by scripts/render-chart.sh (the stand-in for <c>helm template</c>
/// here) with the API versions the real API server serves, and applied with the real kubectl:
/// every object of the default values and of each ci/ values file must be accepted and
/// stored. Bad values must fail at render, naming the value.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class ChartTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private const string Chart = "charts/pod-identity-webhook";

    public static TheoryData<string> ValuesFiles() =>
        ["", .. Directory.EnumerateFiles(Path.Combine(ControlPlaneAssets.RepositoryRoot(), Chart, "ci"), "*.yaml")
            .Select(f => Path.GetRelativePath(ControlPlaneAssets.RepositoryRoot(), f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public async Task Every_rendered_object_is_accepted_by_the_api_server(string valuesFile)
    {
        await StandInCrds.EnsureAsync(plane);
        var variant = valuesFile.Length == 0 ? "default" : Path.GetFileNameWithoutExtension(valuesFile).Replace("-values", "", StringComparison.Ordinal);
        var ns = $"chart-{variant}-{Guid.NewGuid().ToString("N")[..6]}";
        await plane.Rest.CreateNamespaceAsync(ns);
        var apiVersions = (await ShippedManifests.KubectlAsync(plane, null, "api-versions")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        string[] args = [Chart, "--namespace", ns, "--name", $"piw-{variant}", "--api-versions", string.Join(',', apiVersions)];
        var (exit, rendered, errors) = await RenderAsync(valuesFile.Length == 0 ? args : [.. args, "-f", valuesFile]);
        Assert.True(exit == 0, errors);
        var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
        Assert.Contains(documents, d => Kind(d) == "Deployment");
        Assert.Contains(documents, d => Kind(d) == "MutatingWebhookConfiguration");

        var webhooks = documents.Where(d => Kind(d) == "MutatingWebhookConfiguration").Select(Name).ToList();
        try
        {
            output.WriteLine(await ShippedManifests.KubectlApplyAsync(plane, rendered));
            var stored = JsonNode.Parse(await ShippedManifests.KubectlAsync(plane, rendered, "get", "-f", "-", "-o", "json"))!;
            var items = stored["items"]?.AsArray() ?? new JsonArray(stored.DeepClone());
            Assert.Equal(
                documents.Select(ObjectIdentity).Order(StringComparer.Ordinal),
                items.Select(i => ObjectIdentity(i!.AsObject())).Order(StringComparer.Ordinal));

            var pod = items.Single(i => Kind(i!.AsObject()) == "Deployment")!["spec"]!["template"]!["spec"]!;
            Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
            Assert.True(pod["containers"]![0]!["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
        }
        finally
        {
            // A chart's configuration serves every namespace: it must not meet other tests' pods.
            foreach (var name in webhooks)
            {
                await plane.Rest.DeleteAsync($"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}");
            }

            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    [Fact]
    public async Task Defaults_spare_kube_system_and_the_release_namespace_and_add_no_network_policy()
    {
        var (exit, rendered, errors) = await RenderAsync(Chart, "--namespace", "webhooks", "--name", "piw");
        Assert.True(exit == 0, errors);
        var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
        var webhook = documents.Single(d => Kind(d) == "MutatingWebhookConfiguration")["webhooks"]![0]!;
        var rule = Assert.Single(webhook["namespaceSelector"]!["matchExpressions"]!.AsArray())!;
        Assert.Equal("kubernetes.io/metadata.name", rule["key"]!.GetValue<string>());
        Assert.Equal("NotIn", rule["operator"]!.GetValue<string>());
        Assert.Equal(["kube-system", "webhooks"], rule["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.DoesNotContain(documents, d => Kind(d) == "NetworkPolicy");
        Assert.Equal("1", documents.Single(d => Kind(d) == "PodDisruptionBudget")["spec"]!["minAvailable"]!.ToJsonString());
    }

    [Fact]
    public async Task Self_managed_mode_needs_no_cert_manager_and_may_write_only_its_secret_and_configuration()
    {
        var (exit, rendered, errors) = await RenderAsync(Chart, "-f", $"{Chart}/ci/self-managed-values.yaml", "--namespace", "webhooks", "--name", "piw");
        Assert.True(exit == 0, errors);
        var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();

        Assert.DoesNotContain(documents, d => d["apiVersion"]!.GetValue<string>().StartsWith("cert-manager.io/", StringComparison.Ordinal));
        var pod = documents.Single(d => Kind(d) == "Deployment")["spec"]!["template"]!["spec"]!;
        var args = pod["containers"]![0]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("--self-managed-certificate=true", args);
        Assert.Contains("--tls-secret=piw-pod-identity-webhook-self-managed", args);
        Assert.Contains("--webhook-configuration-name=piw-pod-identity-webhook", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--tls-cert", StringComparison.Ordinal));
        Assert.DoesNotContain(pod["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "certs");
        var configuration = documents.Single(d => Kind(d) == "MutatingWebhookConfiguration");
        Assert.Null(configuration["webhooks"]![0]!["clientConfig"]!["caBundle"]);
        Assert.Null(configuration["metadata"]!["annotations"]?["cert-manager.io/inject-ca-from"]);
        var secretRule = documents.Single(d => Kind(d) == "Role" && Name(d).EndsWith("-certificate", StringComparison.Ordinal))["rules"]![0]!;
        Assert.Equal(["piw-pod-identity-webhook-self-managed"], secretRule["resourceNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        var webhookRule = documents.Single(d => Kind(d) == "ClusterRole" && Name(d).EndsWith("-certificate", StringComparison.Ordinal))["rules"]![0]!;
        Assert.Equal(["piw-pod-identity-webhook"], webhookRule["resourceNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task As_a_subchart_the_webhook_excludes_only_its_own_pods_not_its_siblings()
    {
        var (exit, rendered, errors) = await RenderAsync(Chart, "--namespace", "apps", "--name", "platform");
        Assert.True(exit == 0, errors);
        var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
        var webhook = documents.Single(d => Kind(d) == "MutatingWebhookConfiguration")["webhooks"]![0]!.AsObject();
        var registration = new WebhookRegistration("c", "w", "Ignore", null, webhook["objectSelector"]!.AsObject(), null, null, null, null, true);
        var namespaceLabels = new Dictionary<string, string>();
        var ownPod = LabelSelector.LabelsOf(documents.Single(d => Kind(d) == "Deployment")["spec"]!["template"]!["metadata"]);
        var sibling = new Dictionary<string, string> { ["app.kubernetes.io/instance"] = "platform", ["app.kubernetes.io/name"] = "api" };

        Assert.NotNull(registration.Excludes(namespaceLabels, ownPod));
        Assert.Null(registration.Excludes(namespaceLabels, sibling));
    }

    [Fact]
    public async Task Namespace_override_and_host_network_reach_every_object()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "namespaceOverride: platform-system\nhostNetwork: true\n");
            var (exit, rendered, errors) = await RenderAsync(Chart, "-f", file, "--namespace", "default", "--name", "piw");
            Assert.True(exit == 0, errors);
            var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
            Assert.All(
                documents.Where(d => d["metadata"]?["namespace"] is not null),
                d => Assert.Equal("platform-system", d["metadata"]!["namespace"]!.GetValue<string>()));
            var webhook = documents.Single(d => Kind(d) == "MutatingWebhookConfiguration")["webhooks"]![0]!;
            Assert.Equal("platform-system", webhook["clientConfig"]!["service"]!["namespace"]!.GetValue<string>());
            Assert.Contains("platform-system", webhook["namespaceSelector"]!["matchExpressions"]![0]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
            var pod = documents.Single(d => Kind(d) == "Deployment")["spec"]!["template"]!["spec"]!;
            Assert.True(pod["hostNetwork"]!.GetValue<bool>());
            Assert.Equal("ClusterFirstWithHostNet", pod["dnsPolicy"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("replicaCount: 1\npdb:\n  minAvailable: 1\n")]
    [InlineData("replicaCount: 1\npdb:\n  maxUnavailable: 0\n")]
    [InlineData("replicaCount: 0\npdb:\n  minAvailable: \"100%\"\n")]
    public async Task With_fewer_than_two_replicas_the_pdb_never_blocks_a_drain(string values)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, values);
            var (exit, rendered, errors) = await RenderAsync(Chart, "-f", file);
            Assert.True(exit == 0, errors);
            var pdb = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().Single(d => Kind(d) == "PodDisruptionBudget")["spec"]!;
            Assert.Equal("1", pdb["maxUnavailable"]!.ToJsonString());
            Assert.Null(pdb["minAvailable"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_network_policy_opens_the_webhook_port_to_all_and_metrics_to_the_listed_peers()
    {
        var (exit, rendered, errors) = await RenderAsync(Chart, "-f", $"{Chart}/ci/max-values.yaml", "--namespace", "webhooks", "--name", "piw");
        Assert.True(exit == 0, errors);
        var policy = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().Single(d => Kind(d) == "NetworkPolicy")["spec"]!;
        Assert.Equal(["Ingress"], policy["policyTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        var rules = policy["ingress"]!.AsArray();
        Assert.Equal(3, rules.Count);
        // config.port 9443: no from, so every source (the API server's address is not predictable).
        Assert.Equal("9443", rules[0]!["ports"]![0]!["port"]!.ToJsonString());
        Assert.Null(rules[0]!["from"]);
        // config.metricsPort 9998: networkPolicy.metrics.from, as given.
        Assert.Equal("9998", rules[1]!["ports"]![0]!["port"]!.ToJsonString());
        Assert.Equal(2, rules[1]!["from"]!.AsArray().Count);
        Assert.Equal("10.0.0.0/8", rules[1]!["from"]![1]!["ipBlock"]!["cidr"]!.GetValue<string>());
        // networkPolicy.extraIngress, appended.
        Assert.Equal("debug-client", rules[2]!["from"]![0]!["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("replicaCount: two\n", "replicaCount")]
    [InlineData("mutatingWebhook:\n  failurePolicy: Maybe\n", "failurePolicy")]
    [InlineData("replicas: 2\n", "replicas")]
    [InlineData("config:\n  tlsMinVersion: \"1.4\"\n", "tlsMinVersion")]
    [InlineData("certificates:\n  mode: provided\n", "certificates.provided.cert")]
    [InlineData("networkPolicy:\n  metrics:\n    from:\n      - namespaceSelecter: {}\n", "namespaceSelecter")]
    public async Task Bad_values_fail_at_render_naming_the_value(string values, string named)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, values);
            var (exit, _, errors) = await RenderAsync(Chart, "-f", file);
            output.WriteLine(errors);
            Assert.NotEqual(0, exit);
            Assert.Contains(named, errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Name(JsonObject document) => document["metadata"]!["name"]!.GetValue<string>();

    /// <summary>scripts/render-chart.sh with <paramref name="args"/>, from the repository root.</summary>
    internal static async Task<(int Exit, string Stdout, string Stderr)> RenderAsync(params string[] args)
    {
        var root = ControlPlaneAssets.RepositoryRoot();
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "render-chart.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        }) ?? throw new InvalidOperationException("cannot run scripts/render-chart.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
