using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Manifests;
using Xunit.Abstractions;
using static PodIdentityWebhook.E2E.ControlPlane.ShippedManifests;

namespace PodIdentityWebhook.E2E.Shipping;

/// <summary>
/// deploy/, deploy/base and every overlay under deploy/overlays (found on disk, so a new one is
/// tested without listing it), rendered by a real kustomize v5 (scripts/kustomize.sh): every
/// value that names the webhook's namespace (the --namespace flag, the certificate's DNS
/// names, cert-manager's CA-injection annotation, the webhook's Service reference and its
/// namespaceSelector, every metadata and subject namespace) names the one the objects are
/// installed in, and every object is accepted and stored by the real API server.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed partial class KustomizeOverlayTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private const string ShippedNamespace = "pod-identity-webhook";

    private static readonly string[] ReferenceKinds = ["--namespace", "dnsNames", "inject-ca-from", "clientConfig", "namespaceSelector", "metadata"];

    private static readonly string[] CertManagerReferenceKinds = ["dnsNames", "inject-ca-from"];

    public static TheoryData<string> Builds() =>
        ["deploy", "deploy/base", .. Directory.EnumerateDirectories(Path.Combine(ControlPlaneAssets.RepositoryRoot(), "deploy", "overlays"))
            .Where(d => File.Exists(Path.Combine(d, "kustomization.yaml")))
            .Select(d => Path.GetRelativePath(ControlPlaneAssets.RepositoryRoot(), d).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Builds))]
    public async Task Every_value_that_names_the_namespace_names_the_installed_one(string build)
    {
        var documents = await RenderAsync(build);
        var ns = InstalledNamespace(documents);
        Assert.Equal(ns, Name(Assert.Single(documents, d => Kind(d) == "Namespace")));

        var references = documents.SelectMany(NamespaceReferences).ToList();
        foreach (var reference in references)
        {
            output.WriteLine($"{reference.Where} -> {reference.Namespace}");
        }

        Assert.All(references, r => Assert.True(r.Namespace == ns, $"{r.Where} names {r.Namespace}, not {ns}"));
        // Without cert-manager (self-managed certificates) there is no Certificate and no CA injection to follow.
        var expected = documents.Any(d => Kind(d) == "Certificate") ? ReferenceKinds : ReferenceKinds.Except(CertManagerReferenceKinds);
        Assert.All(expected, kind => Assert.Contains(references, r => r.Where.Contains(kind, StringComparison.Ordinal)));

        if (ns != ShippedNamespace)
        {
            var stale = documents.SelectMany(d => Strings(d, Describe(d))).Where(s =>
                s.Value.Contains($".{ShippedNamespace}.svc", StringComparison.Ordinal)
                || s.Value.StartsWith($"{ShippedNamespace}/", StringComparison.Ordinal)
                || s.Value == $"--namespace={ShippedNamespace}");
            Assert.Empty(stale);
        }
    }

    [Fact]
    public async Task Deploy_renders_the_same_objects_as_its_base()
    {
        var deploy = (await RenderAsync("deploy")).Select(d => d.ToJsonString()).Order(StringComparer.Ordinal);
        var @base = (await RenderAsync("deploy/base")).Select(d => d.ToJsonString()).Order(StringComparer.Ordinal);
        Assert.Equal(@base, deploy);
    }

    [Fact]
    public async Task Namespace_alone_leaves_the_values_that_follow_namespace_rewrites()
    {
        var overlay = Directory.CreateTempSubdirectory("piw-kustomize-").FullName;
        try
        {
            var baseFolder = Path.GetRelativePath(overlay, Path.Combine(ControlPlaneAssets.RepositoryRoot(), "deploy", "base"));
            await File.WriteAllTextAsync(Path.Combine(overlay, "kustomization.yaml"), $"namespace: elsewhere\nresources:\n  - {baseFolder}\n");
            var documents = await RenderAsync(overlay);
            Assert.Equal("elsewhere", InstalledNamespace(documents));

            var stale = documents.SelectMany(NamespaceReferences).Where(r => r.Namespace != "elsewhere").Select(r => r.Where).Order(StringComparer.Ordinal);
            Assert.Equal(
                [
                    "Certificate pod-identity-webhook: spec.dnsNames[0]",
                    "Certificate pod-identity-webhook: spec.dnsNames[1]",
                    "Deployment pod-identity-webhook: spec.template.spec.containers[0].args[4] (--namespace)",
                    "MutatingWebhookConfiguration pod-identity-webhook: metadata.annotations.cert-manager.io/inject-ca-from",
                    "MutatingWebhookConfiguration pod-identity-webhook: webhooks[0].namespaceSelector.matchExpressions[0].values[1]",
                ],
                stale);
        }
        finally
        {
            Directory.Delete(overlay, recursive: true);
        }
    }

    [Fact]
    public async Task The_example_overlays_change_what_they_say()
    {
        var image = Container(await RenderAsync("deploy/overlays/image"));
        Assert.Equal("registry.example.com/mirror/pod-identity-webhook:0.1.1", image["image"]!.GetValue<string>());

        var args = Container(await RenderAsync("deploy/overlays/region"))["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("--aws-default-region=eu-west-1", args);
        Assert.Contains("--sts-regional-endpoint=true", args);

        var webhook = (await RenderAsync("deploy/overlays/fail-closed")).Single(d => Kind(d) == "MutatingWebhookConfiguration")["webhooks"]![0]!;
        Assert.Equal("Fail", webhook["failurePolicy"]!.GetValue<string>());
        Assert.Equal("enabled", webhook["namespaceSelector"]!["matchLabels"]!["pod-identity-webhook"]!.GetValue<string>());
        var excluded = Assert.Single(webhook["namespaceSelector"]!["matchExpressions"]!.AsArray())!["values"]!.AsArray();
        Assert.Equal(["kube-system", ShippedNamespace], excluded.Select(v => v!.GetValue<string>()));

        Assert.Equal("platform-system", InstalledNamespace(await RenderAsync("deploy/overlays/namespace")));
    }

    [Theory]
    [MemberData(nameof(Builds))]
    public async Task Every_rendered_object_is_accepted_by_the_api_server(string build)
    {
        await StandInCrds.EnsureAsync(plane);
        var documents = await RenderAsync(build);
        var ns = InstalledNamespace(documents);

        // Kubernetes 1.20 (the control plane built here) serves PodDisruptionBudget only as
        // policy/v1beta1, whose fields are the same.
        if (await plane.Rest.GetStatusAsync("/apis/policy/v1") == HttpStatusCode.NotFound)
        {
            foreach (var pdb in documents.Where(d => Kind(d) == "PodDisruptionBudget"))
            {
                pdb["apiVersion"] = "policy/v1beta1";
            }
        }

        var stream = string.Join("---\n", documents.Select(YamlJson.ToYaml));
        var removable = string.Join("---\n", documents.Where(d => Kind(d) != "Namespace").Select(YamlJson.ToYaml));
        try
        {
            output.WriteLine(await ShippedManifests.KubectlApplyAsync(plane, stream));
            var stored = JsonNode.Parse(await ShippedManifests.KubectlAsync(plane, stream, "get", "-f", "-", "-o", "json"))!;
            var items = stored["items"]?.AsArray() ?? new JsonArray(stored.DeepClone());
            Assert.Equal(
                documents.Select(ObjectIdentity).Order(StringComparer.Ordinal),
                items.Select(i => ObjectIdentity(i!.AsObject())).Order(StringComparer.Ordinal));
        }
        finally
        {
            // The webhook configuration serves every namespace: it must not meet other tests' pods.
            await ShippedManifests.KubectlAsync(plane, removable, "delete", "-f", "-", "--ignore-not-found", "--wait=false");
            if (ns != ShippedNamespace)
            {
                await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
            }
        }
    }

    /// <summary>The namespace the objects are installed in: the webhook Service's, which the API server calls.</summary>
    private static string InstalledNamespace(IEnumerable<JsonObject> documents) =>
        documents.Single(d => Kind(d) == "Service" && Name(d) == ShippedNamespace)["metadata"]!["namespace"]!.GetValue<string>();

    private static JsonObject Container(IEnumerable<JsonObject> documents) =>
        documents.Single(d => Kind(d) == "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    /// <summary>Every value of <paramref name="document"/> that names a namespace, and where it is.</summary>
    private static IEnumerable<(string Where, string Namespace)> NamespaceReferences(JsonObject document)
    {
        foreach (var (where, value) in Strings(document, Describe(document)))
        {
            if (where.EndsWith(".namespace", StringComparison.Ordinal))
            {
                yield return (where, value);
            }
            else if (where.EndsWith("/inject-ca-from", StringComparison.Ordinal))
            {
                yield return (where, value.Split('/')[0]);
            }
            else if (value.StartsWith("--namespace=", StringComparison.Ordinal))
            {
                yield return ($"{where} (--namespace)", value["--namespace=".Length..]);
            }
            else if (ServiceDnsName().Match(value) is { Success: true } dns)
            {
                yield return (where, dns.Groups["namespace"].Value);
            }
        }

        foreach (var (where, selector) in Objects(document, Describe(document)).Where(o => o.Where.EndsWith("namespaceSelector", StringComparison.Ordinal)))
        {
            var expressions = selector["matchExpressions"]?.AsArray() ?? [];
            for (var i = 0; i < expressions.Count; i++)
            {
                if (expressions[i]!["key"]?.GetValue<string>() != "kubernetes.io/metadata.name" || expressions[i]!["operator"]?.GetValue<string>() != "NotIn")
                {
                    continue;
                }

                var values = expressions[i]!["values"]!.AsArray();
                for (var j = 0; j < values.Count; j++)
                {
                    if (values[j]!.GetValue<string>() != "kube-system")
                    {
                        yield return ($"{where}.matchExpressions[{i}].values[{j}]", values[j]!.GetValue<string>());
                    }
                }
            }
        }
    }

    private static string Describe(JsonObject document) => $"{Kind(document)} {Name(document)}: ";

    private static IEnumerable<(string Where, string Value)> Strings(JsonNode? node, string where) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value, Join(where, p.Key))),
        JsonArray a => a.SelectMany((item, i) => Strings(item, $"{where}[{i}]")),
        JsonValue v when v.TryGetValue<string>(out var s) => [(where, s)],
        _ => [],
    };

    private static IEnumerable<(string Where, JsonObject Object)> Objects(JsonNode? node, string where) => node switch
    {
        JsonObject o => [(where, o), .. o.SelectMany(p => Objects(p.Value, Join(where, p.Key)))],
        JsonArray a => a.SelectMany((item, i) => Objects(item, $"{where}[{i}]")),
        _ => [],
    };

    private static string Join(string where, string key) => where.EndsWith(' ') ? where + key : $"{where}.{key}";

    /// <summary>SERVICE.NAMESPACE.svc, optionally followed by the cluster domain.</summary>
    [GeneratedRegex(@"^[a-z0-9-]+\.(?<namespace>[a-z0-9-]+)\.svc(\.|$)")]
    private static partial Regex ServiceDnsName();

    private async Task<List<JsonObject>> RenderAsync(string folder)
    {
        var root = ControlPlaneAssets.RepositoryRoot();
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "kustomize.sh"), "build", folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        }) ?? throw new InvalidOperationException("cannot run scripts/kustomize.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var errors = await stderr;
        if (errors.Length > 0)
        {
            output.WriteLine(errors);
        }

        Assert.True(process.ExitCode == 0, $"scripts/kustomize.sh build {folder} exited with {process.ExitCode}:\n{errors}");
        var documents = YamlJson.ParseDocuments(await stdout).OfType<JsonObject>().ToList();
        Assert.Contains(documents, d => Kind(d) == "Deployment");
        Assert.Contains(documents, d => Kind(d) == "MutatingWebhookConfiguration");
        return documents;
    }
}
