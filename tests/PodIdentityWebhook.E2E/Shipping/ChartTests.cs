using System.Diagnostics;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Manifests;
using Xunit.Abstractions;
using static PodIdentityWebhook.E2E.ControlPlane.ShippedManifests;

namespace PodIdentityWebhook.E2E.Shipping;

/// <summary>
/// The Helm chart, rendered by real helm (scripts/helm.sh, majors 3 and 4: every test runs on
/// both) with <c>helm template</c>; for the API server, with its Kubernetes version and the
/// API versions it serves, and applied with the real kubectl: every object of the default
/// values and of each ci/ values file must be accepted and stored. Bad values must fail at
/// render, naming the value; <c>helm lint --strict</c> must find nothing.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class ChartTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private const string Chart = "charts/pod-identity-webhook";

    /// <summary>The helm majors the chart supports; scripts/helm.sh pins one release of each.</summary>
    private static readonly int[] HelmMajors = [3, 4];

    public static TheoryData<int> Majors() => new(HelmMajors);

    /// <summary>Each helm major with the defaults ("") and with each ci/ values file.</summary>
    public static TheoryData<int, string> ValuesFiles()
    {
        string[] files = ["", .. Directory.EnumerateFiles(Path.Combine(ControlPlaneAssets.RepositoryRoot(), Chart, "ci"), "*.yaml")
            .Select(f => Path.GetRelativePath(ControlPlaneAssets.RepositoryRoot(), f)).Order(StringComparer.Ordinal)];
        var data = new TheoryData<int, string>();
        foreach (var major in HelmMajors)
        {
            foreach (var file in files)
            {
                data.Add(major, file);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public async Task Every_rendered_object_is_accepted_by_the_api_server(int major, string valuesFile)
    {
        await StandInCrds.EnsureAsync(plane);
        var variant = valuesFile.Length == 0 ? "default" : Path.GetFileNameWithoutExtension(valuesFile).Replace("-values", "", StringComparison.Ordinal);
        var ns = $"chart-{variant}-{Guid.NewGuid().ToString("N")[..6]}";
        await plane.Rest.CreateNamespaceAsync(ns);
        var apiVersions = (await ShippedManifests.KubectlAsync(plane, null, "api-versions")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Without a cluster, helm assumes the Kubernetes of its own client libraries (1.32 for
        // helm 3.17, 1.35 for helm 4.1): the server's version must be given, or the chart
        // renders kinds in versions this server (1.20) does not serve.
        var version = JsonNode.Parse(await ShippedManifests.KubectlAsync(plane, null, "version", "-o", "json"))!["serverVersion"]!["gitVersion"]!.GetValue<string>();

        string[] args = ["--kube-version", version, "--api-versions", string.Join(',', apiVersions)];
        var (exit, rendered, errors) = await TemplateAsync(major, $"piw{major}-{variant}", ns, valuesFile.Length == 0 ? args : [.. args, "-f", valuesFile]);
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

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task The_README_helm_install_renders_a_webhook(int major)
    {
        var install = Assert.Single(Tests.Support.ReadmeCommands.All(ControlPlaneAssets.RepositoryRoot()), c => c.StartsWith("helm install ", StringComparison.Ordinal));
        // The same arguments to helm template: what install would send, without a cluster.
        var (exit, rendered, errors) = await HelmAsync(major, ["template", .. install["helm install ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.True(exit == 0, errors);
        var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
        Assert.Contains(documents, d => Kind(d) == "Deployment" && d["metadata"]!["namespace"]!.GetValue<string>() == "pod-identity-webhook");
        Assert.Contains(documents, d => Kind(d) == "MutatingWebhookConfiguration");
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Defaults_spare_kube_system_and_the_release_namespace_and_add_no_network_policy(int major)
    {
        var (exit, rendered, errors) = await TemplateAsync(major, "piw", "webhooks");
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

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Self_managed_mode_needs_no_cert_manager_and_may_write_only_its_secret_and_configuration(int major)
    {
        var (exit, rendered, errors) = await TemplateAsync(major, "piw", "webhooks", "-f", $"{Chart}/ci/self-managed-values.yaml");
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

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task As_a_subchart_the_webhook_excludes_only_its_own_pods_not_its_siblings(int major)
    {
        var (exit, rendered, errors) = await TemplateAsync(major, "platform", "apps");
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

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Namespace_override_and_host_network_reach_every_object(int major)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "namespaceOverride: platform-system\nhostNetwork: true\ntests:\n  namespace: apps\n");
            var (exit, rendered, errors) = await TemplateAsync(major, "piw", "default", "-f", file);
            Assert.True(exit == 0, errors);
            var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
            // Only helm test's dry-run identity and its permission to create pods sit elsewhere:
            // in tests.namespace, which the webhook must serve.
            var namespaced = documents.Where(d => d["metadata"]?["namespace"] is not null).ToLookup(d => d["metadata"]!["namespace"]!.GetValue<string>());
            Assert.Equal(["platform-system", "apps"], namespaced.Select(g => g.Key));
            Assert.Equal(
                ["Role piw-pod-identity-webhook-test", "RoleBinding piw-pod-identity-webhook-test", "ServiceAccount piw-pod-identity-webhook-test-identity"],
                namespaced["apps"].Select(d => $"{Kind(d)} {Name(d)}").Order(StringComparer.Ordinal));
            Assert.All(namespaced["apps"], d => Assert.Equal("test", d["metadata"]!["annotations"]!["helm.sh/hook"]!.GetValue<string>()));
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

    public static TheoryData<int, string> FewReplicas() => OnEachMajor(
        "replicaCount: 1\npdb:\n  minAvailable: 1\n",
        "replicaCount: 1\npdb:\n  maxUnavailable: 0\n",
        "replicaCount: 0\npdb:\n  minAvailable: \"100%\"\n");

    [Theory]
    [MemberData(nameof(FewReplicas))]
    public async Task With_fewer_than_two_replicas_the_pdb_never_blocks_a_drain(int major, string values)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, values);
            var (exit, rendered, errors) = await TemplateAsync(major, "piw", "default", "-f", file);
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

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task The_network_policy_opens_the_webhook_port_to_all_and_metrics_to_the_listed_peers(int major)
    {
        var (exit, rendered, errors) = await TemplateAsync(major, "piw", "webhooks", "-f", $"{Chart}/ci/max-values.yaml");
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

    /// <summary>
    /// Values the schema or a <c>required</c> refuses, each with the name the error must carry.
    /// The schema messages differ by major (helm 3: "config.tlsMinVersion: ... must be one of",
    /// helm 4: "at '/config/tlsMinVersion': value must be one of"), the leaf name is in both.
    /// </summary>
    public static TheoryData<int, string, string> BadValues()
    {
        (string Values, string Named)[] cases =
        [
            ("replicaCount: two\n", "replicaCount"),
            ("mutatingWebhook:\n  failurePolicy: Maybe\n", "failurePolicy"),
            ("replicas: 2\n", "replicas"),
            ("config:\n  tlsMinVersion: \"1.4\"\n", "tlsMinVersion"),
            // Mode provided needs three values; helm stops at the first template that fails
            // (mutatingwebhook.yaml's caBundle), so each is left out alone once.
            ("certificates:\n  mode: provided\n  provided:\n    cert: c\n    key: k\n", "certificates.provided.caBundle"),
            ("certificates:\n  mode: provided\n  provided:\n    caBundle: b\n    key: k\n", "certificates.provided.cert"),
            ("certificates:\n  mode: provided\n  provided:\n    caBundle: b\n    cert: c\n", "certificates.provided.key"),
            ("networkPolicy:\n  metrics:\n    from:\n      - namespaceSelecter: {}\n", "namespaceSelecter"),
        ];
        var data = new TheoryData<int, string, string>();
        foreach (var major in HelmMajors)
        {
            foreach (var (values, named) in cases)
            {
                data.Add(major, values, named);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Bad_values_fail_at_render_naming_the_value(int major, string values, string named)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, values);
            var (exit, _, errors) = await TemplateAsync(major, "piw", "default", "-f", file);
            output.WriteLine(errors);
            Assert.NotEqual(0, exit);
            Assert.Contains(named, errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Lint findings fail the build only with --strict; the chart must pass it, ci/ files included.</summary>
    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public async Task Helm_lint_strict_finds_nothing(int major, string valuesFile)
    {
        string[] args = ["lint", "--strict", Chart];
        var (exit, stdout, errors) = await HelmAsync(major, valuesFile.Length == 0 ? args : [.. args, "-f", valuesFile]);
        output.WriteLine(stdout);
        Assert.True(exit == 0, stdout + errors);
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[WARNING]", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[ERROR]", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The PDB's API version follows the Kubernetes version: policy/v1 from 1.21 (1.25 serves
    /// nothing else), policy/v1beta1 for 1.20. Plain <c>helm template</c> has no cluster and
    /// must still render policy/v1 (helm assumes a current Kubernetes); the chart once chose by
    /// .Capabilities.APIVersions, which lists no policy/v1 there, and rendered policy/v1beta1.
    /// </summary>
    public static TheoryData<int, string, string> PdbVersions()
    {
        (string Flags, string Expected)[] cases =
        [
            ("", "policy/v1"),
            ("--kube-version 1.20.2", "policy/v1beta1"),
            ("--kube-version 1.25.0", "policy/v1"),
            ("--kube-version v1.21.0", "policy/v1"),
            // As for a 1.20 API server: its version and what it serves.
            ("--kube-version v1.20.2 --api-versions v1,apps/v1,policy/v1beta1", "policy/v1beta1"),
            ("--kube-version v1.25.0 --api-versions v1,apps/v1,policy/v1", "policy/v1"),
            // --api-versions alone leaves the Kubernetes version at helm's default.
            ("--api-versions policy/v1beta1", "policy/v1"),
        ];
        var data = new TheoryData<int, string, string>();
        foreach (var major in HelmMajors)
        {
            foreach (var (flags, expected) in cases)
            {
                data.Add(major, flags, expected);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PdbVersions))]
    public async Task The_pdb_api_version_follows_the_kubernetes_version(int major, string flags, string expected)
    {
        var (exit, rendered, errors) = await TemplateAsync(major, "piw", "default", flags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(exit == 0, errors);
        var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
        Assert.Contains(documents, d => Kind(d) == "Deployment");
        Assert.Equal(expected, documents.Single(d => Kind(d) == "PodDisruptionBudget")["apiVersion"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task A_kubernetes_older_than_the_charts_kube_version_is_refused(int major)
    {
        var (exit, _, errors) = await TemplateAsync(major, "piw", "default", "--kube-version", "1.19.16");
        output.WriteLine(errors);
        Assert.NotEqual(0, exit);
        Assert.Contains(">=1.20.0-0", errors, StringComparison.Ordinal);
    }

    private static TheoryData<int, string> OnEachMajor(params string[] cases)
    {
        var data = new TheoryData<int, string>();
        foreach (var major in HelmMajors)
        {
            foreach (var item in cases)
            {
                data.Add(major, item);
            }
        }

        return data;
    }

    private static string Name(JsonObject document) => document["metadata"]!["name"]!.GetValue<string>();

    /// <summary><c>helm template RELEASE CHART --namespace NS</c> plus <paramref name="args"/> with helm <paramref name="major"/>.</summary>
    internal static Task<(int Exit, string Stdout, string Stderr)> TemplateAsync(int major, string release, string ns, params string[] args) =>
        HelmAsync(major, ["template", release, Chart, "--namespace", ns, .. args]);

    /// <summary>scripts/helm.sh with HELM_MAJOR=<paramref name="major"/> and <paramref name="args"/>, from the repository root.</summary>
    internal static async Task<(int Exit, string Stdout, string Stderr)> HelmAsync(int major, params string[] args)
    {
        var root = ControlPlaneAssets.RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "helm.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["HELM_MAJOR"] = major.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot run scripts/helm.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
