using System.Diagnostics;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
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

    [Theory]
    [InlineData("replicaCount: two\n", "replicaCount")]
    [InlineData("mutatingWebhook:\n  failurePolicy: Maybe\n", "failurePolicy")]
    [InlineData("replicas: 2\n", "replicas")]
    [InlineData("config:\n  tlsMinVersion: \"1.4\"\n", "tlsMinVersion")]
    [InlineData("certificates:\n  mode: provided\n", "certificates.provided.cert")]
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

    private static async Task<(int Exit, string Stdout, string Stderr)> RenderAsync(params string[] args)
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
