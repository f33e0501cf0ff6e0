using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>What changes over a webhook's life: annotations that change, and the webhook going away.</summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class LifecycleScenarioTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private const string RoleArnKey = "eks.amazonaws.com/role-arn";

    [Fact]
    public async Task Changed_role_annotation_reaches_new_pods()
    {
        var (ns, scope) = await ScopedNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "app", new Dictionary<string, string> { [RoleArnKey] = Arn("before") });
        await using var webhook = await RunningWebhook.StartAsync(plane.KubeconfigPath);
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope);
        try
        {
            var first = await ScenarioPods.CreateMutatedAsync(plane.Rest, ns, "app", webhook, output);
            Assert.Equal(Arn("before"), ScenarioPods.Env(first, "AWS_ROLE_ARN"));

            await plane.Rest.MergePatchAsync($"/api/v1/namespaces/{ns}/serviceaccounts/app",
                System.Text.Json.Nodes.JsonNode.Parse("{\"metadata\":{\"annotations\":{\"" + RoleArnKey + "\":\"" + Arn("after") + "\"}}}")!);
            var deadline = DateTime.UtcNow.AddSeconds(2);
            string? role;
            do
            {
                role = ScenarioPods.Env(await ScenarioPods.CreateAsync(plane.Rest, ns, "app"), "AWS_ROLE_ARN");
            }
            while (role != Arn("after") && DateTime.UtcNow < deadline);

            Assert.Equal(Arn("after"), role);
        }
        finally
        {
            await DeleteConfigurationAsync(configuration);
        }
    }

    [Fact]
    public async Task Stopped_webhook_with_failure_policy_Ignore_admits_pods_unmutated()
    {
        var (ns, scope) = await ScopedNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "app", new Dictionary<string, string> { [RoleArnKey] = Arn("reader") });
        await using var webhook = await RunningWebhook.StartAsync(plane.KubeconfigPath);
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope, failurePolicy: "Ignore");
        try
        {
            await ScenarioPods.CreateMutatedAsync(plane.Rest, ns, "app", webhook, output);
            await webhook.DisposeAsync();

            var pod = await ScenarioPods.CreateAsync(plane.Rest, ns, "app");
            Assert.False(ScenarioPods.IsMutated(pod));
            Assert.Null(ScenarioPods.Env(pod, "AWS_ROLE_ARN"));
        }
        finally
        {
            await DeleteConfigurationAsync(configuration);
        }
    }

    [Fact]
    public async Task Stopped_webhook_with_failure_policy_Fail_rejects_pods_naming_the_webhook()
    {
        var (ns, scope) = await ScopedNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "app", new Dictionary<string, string> { [RoleArnKey] = Arn("reader") });
        await using var webhook = await RunningWebhook.StartAsync(plane.KubeconfigPath);
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope, failurePolicy: "Fail");
        try
        {
            await ScenarioPods.CreateMutatedAsync(plane.Rest, ns, "app", webhook, output);
            await webhook.DisposeAsync();

            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ScenarioPods.CreateAsync(plane.Rest, ns, "app"));
            output.WriteLine(refused.Message);
            Assert.Contains("pod-identity-webhook.amazonaws.com", refused.Message, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, refused.StatusCode);
        }
        finally
        {
            await DeleteConfigurationAsync(configuration);
        }
    }

    private async Task<(string Namespace, string Scope)> ScopedNamespaceAsync()
    {
        var scope = "life-" + Guid.NewGuid().ToString("N")[..6];
        var ns = "e2e-" + scope;
        await WebhookRegistration.CreateScopedNamespaceAsync(plane.Rest, ns, scope);
        return (ns, scope);
    }

    private Task DeleteConfigurationAsync(string name) =>
        plane.Rest.DeleteAsync($"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}");

    private static string Arn(string role) => $"arn:aws:iam::111122223333:role/{role}";
}
