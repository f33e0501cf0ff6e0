using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Manifests;
using Xunit.Abstractions;
using static PodIdentityWebhook.E2E.ControlPlane.ShippedManifests;

namespace PodIdentityWebhook.E2E.Shipping;

/// <summary>
/// deploy/ is what <c>kubectl apply -k deploy/</c> sends: rendered by kubectl's own kustomize
/// and applied by the real kubectl to the real API server, every object must be accepted and
/// stored. (ShippedRbacTests runs the webhook under the RBAC it contains.)
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class DeployManifestTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_object_of_deploy_is_accepted_by_the_api_server()
    {
        await StandInCrds.EnsureAsync(plane);
        var rendered = await ShippedManifests.KubectlAsync(plane, null, "kustomize", "deploy/");
        var documents = YamlJson.ParseDocuments(rendered).OfType<JsonObject>().ToList();
        Assert.Contains(documents, d => Kind(d) == "Deployment");
        Assert.Contains(documents, d => Kind(d) == "MutatingWebhookConfiguration");

        // Kubernetes 1.20 (the control plane built here) serves PodDisruptionBudget only as
        // policy/v1beta1, whose fields are the same; newer servers take the file as written.
        if (await plane.Rest.GetStatusAsync("/apis/policy/v1") == HttpStatusCode.NotFound)
        {
            foreach (var pdb in documents.Where(d => Kind(d) == "PodDisruptionBudget"))
            {
                pdb["apiVersion"] = "policy/v1beta1";
            }
        }

        var stream = string.Join("---\n", documents.Select(YamlJson.ToYaml));
        try
        {
            var applied = await ShippedManifests.KubectlApplyAsync(plane, stream);
            output.WriteLine(applied);

            var stored = JsonNode.Parse(await ShippedManifests.KubectlAsync(plane, stream, "get", "-f", "-", "-o", "json"))!;
            var items = stored["items"]?.AsArray() ?? new JsonArray(stored.DeepClone());
            Assert.Equal(
                documents.Select(ObjectIdentity).Order(StringComparer.Ordinal),
                items.Select(i => ObjectIdentity(i!.AsObject())).Order(StringComparer.Ordinal));

            var deployment = items.Single(i => Kind(i!.AsObject()) == "Deployment")!;
            var pod = deployment["spec"]!["template"]!["spec"]!;
            Assert.True(pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>());
            Assert.Equal("RuntimeDefault", pod["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>());
            var container = pod["containers"]![0]!;
            Assert.True(container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>());
            Assert.Equal("ALL", container["securityContext"]!["capabilities"]!["drop"]![0]!.GetValue<string>());

            var webhook = items.Single(i => Kind(i!.AsObject()) == "MutatingWebhookConfiguration")!["webhooks"]![0]!;
            Assert.Equal("Ignore", webhook["failurePolicy"]!.GetValue<string>());
            Assert.Equal("IfNeeded", webhook["reinvocationPolicy"]!.GetValue<string>());
            Assert.Equal("None", webhook["sideEffects"]!.GetValue<string>());
        }
        finally
        {
            // The shipped configuration serves every namespace: it must not meet other tests' pods.
            await plane.Rest.DeleteAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/pod-identity-webhook");
            await plane.Rest.DeleteAsync("/apis/apps/v1/namespaces/pod-identity-webhook/deployments/pod-identity-webhook");
        }
    }
}
