using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The webhook as it runs in a cluster: under its own ServiceAccount's token, with only the
/// RBAC the project ships in deploy/base/rbac.yaml. If that RBAC missed a permission the webhook
/// needs, it would never become ready or never mutate.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class ShippedRbacTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    [Fact]
    public async Task Webhook_under_the_shipped_rbac_mutates_from_service_accounts_and_the_config_map_and_is_not_admin()
    {
        var rbac = ShippedManifests.Read("deploy/base/rbac.yaml");
        var account = rbac.Single(d => d["kind"]!.GetValue<string>() == "ServiceAccount")["metadata"]!;
        var home = account["namespace"]!.GetValue<string>();
        await ShippedManifests.ApplyAsync(plane.Rest, [.. ShippedManifests.Read("deploy/base/namespace.yaml"), .. rbac]);

        var token = await RequestTokenAsync(home, account["name"]!.GetValue<string>());
        await AssertNotAdminAsync(token, home);
        var folder = Directory.CreateTempSubdirectory("piw-rbac-").FullName;
        try
        {
            var kubeconfig = Path.Combine(folder, "kubeconfig");
            plane.WriteKubeconfig(kubeconfig, token);
            await using var served = await ServedNamespace.StartAsync(plane, "rbac", ["--watch-config-map", "--namespace", home], kubeconfig: kubeconfig);
            await plane.Rest.CreateServiceAccountAsync(served.Name, "annotated", Roles.Annotations("from-annotation"));
            await plane.Rest.CreateServiceAccountAsync(served.Name, "listed");
            await ApplyConfigMapAsync(home, served.Name + "/listed", Roles.Arn("from-config-map"));

            var annotated = await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "annotated", served.Webhook, output);
            Assert.Equal(Roles.Arn("from-annotation"), ScenarioPods.Env(annotated, "AWS_ROLE_ARN"));

            var listed = await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "listed", served.Webhook, output);
            Assert.Equal(Roles.Arn("from-config-map"), ScenarioPods.Env(listed, "AWS_ROLE_ARN"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private Task<JsonNode> ApplyConfigMapAsync(string home, string key, string roleArn) =>
        plane.Rest.ApplyAsync($"/api/v1/namespaces/{home}/configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "pod-identity-webhook", ["namespace"] = home },
            ["data"] = new JsonObject
            {
                ["config"] = new JsonObject { [key] = new JsonObject { ["RoleARN"] = roleArn } }.ToJsonString(),
            },
        });

    /// <summary>A bound token for the ServiceAccount, as the kubelet projects one into the webhook's pod.</summary>
    private async Task<string> RequestTokenAsync(string ns, string serviceAccount)
    {
        var answer = await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/serviceaccounts/{serviceAccount}/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject { ["expirationSeconds"] = 3600 },
        });
        return answer["status"]!["token"]!.GetValue<string>();
    }

    /// <summary>The token reads what the webhook needs and nothing else.</summary>
    private async Task AssertNotAdminAsync(string token, string home)
    {
        using var asWebhook = new KubeRest(plane.Server, token, plane.ClusterCaPem ?? throw new InvalidOperationException("the cluster CA is needed"));
        Assert.Equal(HttpStatusCode.OK, await asWebhook.GetStatusAsync("/api/v1/serviceaccounts?limit=1"));
        Assert.Equal(HttpStatusCode.OK, await asWebhook.GetStatusAsync($"/api/v1/namespaces/{home}/configmaps?limit=1"));
        Assert.Equal(HttpStatusCode.Forbidden, await asWebhook.GetStatusAsync("/api/v1/configmaps?limit=1"));
        Assert.Equal(HttpStatusCode.Forbidden, await asWebhook.GetStatusAsync($"/api/v1/namespaces/{home}/secrets?limit=1"));
        Assert.Equal(HttpStatusCode.Forbidden, await asWebhook.GetStatusAsync("/api/v1/pods?limit=1"));
        var write = await Assert.ThrowsAsync<HttpRequestException>(() => asWebhook.CreateServiceAccountAsync(home, "not-allowed"));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }
}
