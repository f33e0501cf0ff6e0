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

            // Never called for kube-system or the webhook's own namespace (a failurePolicy: Fail
            // outage must not refuse the pods that bring the cluster and the webhook back).
            var namespaceRule = Assert.Single(webhook["namespaceSelector"]!["matchExpressions"]!.AsArray())!;
            Assert.Equal("kubernetes.io/metadata.name", namespaceRule["key"]!.GetValue<string>());
            Assert.Equal("NotIn", namespaceRule["operator"]!.GetValue<string>());
            Assert.Equal(
                ["kube-system", "pod-identity-webhook"],
                namespaceRule["values"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal));

            // The namespace enforces, audits and warns Pod Security restricted.
            var labels = items.Single(i => Kind(i!.AsObject()) == "Namespace")!["metadata"]!["labels"]!;
            foreach (var mode in new[] { "enforce", "audit", "warn" })
            {
                Assert.Equal("restricted", labels[$"pod-security.kubernetes.io/{mode}"]?.GetValue<string>());
            }

            Assert.False(container["securityContext"]!["allowPrivilegeEscalation"]!.GetValue<bool>());

            // The webhook port is open to every source; metrics only to the monitoring namespace.
            var policy = items.Single(i => Kind(i!.AsObject()) == "NetworkPolicy")!["spec"]!;
            Assert.Equal("pod-identity-webhook", policy["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"]!.GetValue<string>());
            Assert.Equal(["Ingress"], policy["policyTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
            var rules = policy["ingress"]!.AsArray();
            Assert.Equal(2, rules.Count);
            var https = rules.Single(r => Port(r!) == "8443")!;
            Assert.Null(https["from"]);
            var metrics = rules.Single(r => Port(r!) == "9999")!;
            var peer = Assert.Single(metrics["from"]!.AsArray())!;
            Assert.Equal("monitoring", peer["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());

            // Never blocks a drain, even if scaled to one replica.
            var pdb = items.Single(i => Kind(i!.AsObject()) == "PodDisruptionBudget")!["spec"]!;
            Assert.Equal("1", pdb["maxUnavailable"]!.ToJsonString());
            Assert.Null(pdb["minAvailable"]);
        }
        finally
        {
            // The shipped configuration serves every namespace: it must not meet other tests' pods.
            await plane.Rest.DeleteAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/pod-identity-webhook");
            await plane.Rest.DeleteAsync("/apis/apps/v1/namespaces/pod-identity-webhook/deployments/pod-identity-webhook");
        }
    }

    private static string Port(JsonNode rule) => Assert.Single(rule["ports"]!.AsArray())!["port"]!.ToJsonString();
}
