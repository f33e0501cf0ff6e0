using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>What changes over a webhook's life: annotations that change, and the webhook going away.</summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class LifecycleScenarioTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    [Fact]
    public async Task Changed_role_annotation_reaches_new_pods()
    {
        var (ns, scope) = await ScopedNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "app", Roles.Annotations("before"));
        await using var webhook = await RunningWebhook.StartAsync(plane.KubeconfigPath);
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope);
        try
        {
            var first = await ScenarioPods.CreateMutatedAsync(plane.Rest, ns, "app", webhook, output);
            Assert.Equal(Roles.Arn("before"), ScenarioPods.Env(first, "AWS_ROLE_ARN"));

            await plane.Rest.MergePatchAsync($"/api/v1/namespaces/{ns}/serviceaccounts/app",
                Roles.AnnotationPatch("after"));
            var deadline = DateTime.UtcNow.AddSeconds(2);
            string? role;
            do
            {
                role = ScenarioPods.Env(await ScenarioPods.CreateAsync(plane.Rest, ns, "app"), "AWS_ROLE_ARN");
            }
            while (role != Roles.Arn("after") && DateTime.UtcNow < deadline);

            Assert.Equal(Roles.Arn("after"), role);
        }
        finally
        {
            await DeleteConfigurationAsync(configuration);
        }
    }

    [Fact]
    public async Task Service_accounts_created_just_before_their_pods_are_waited_for_within_the_grace_period()
    {
        var (ns, scope) = await ScopedNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "warm-up", Roles.Annotations("warm-up"));
        await using var webhook = await RunningWebhook.StartAsync(plane.KubeconfigPath, "--service-account-lookup-grace-period", "5s");
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope);
        try
        {
            await ScenarioPods.CreateMutatedAsync(plane.Rest, ns, "warm-up", webhook, output);

            // No pause between the two calls: the pod's review can reach the webhook before
            // the watch event of its ServiceAccount; the grace period bridges the gap.
            for (var i = 0; i < 10; i++)
            {
                await plane.Rest.CreateServiceAccountAsync(ns, $"fresh-{i}", Roles.Annotations($"fresh-{i}"));
                var pod = await ScenarioPods.CreateAsync(plane.Rest, ns, $"fresh-{i}");
                Assert.Equal(Roles.Arn($"fresh-{i}"), ScenarioPods.Env(pod, "AWS_ROLE_ARN"));
            }
        }
        finally
        {
            await DeleteConfigurationAsync(configuration);
        }
    }

    /// <summary>
    /// The API server's own ServiceAccount admission refuses pods of a missing ServiceAccount,
    /// so such a pod goes through a second API server on the same etcd without that plugin: it
    /// calls the same webhook, which must have dropped the deleted ServiceAccount.
    /// </summary>
    [OwnControlPlaneFact]
    public async Task Deleted_service_account_gives_no_mutation()
    {
        var (ns, scope) = await ScopedNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "kept", Roles.Annotations("kept"));
        await plane.Rest.CreateServiceAccountAsync(ns, "doomed", Roles.Annotations("doomed"));
        await using var webhook = await RunningWebhook.StartAsync(plane.KubeconfigPath, "--service-account-lookup-grace-period", "1s");
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope);
        var before = await ScenarioPods.CreateMutatedAsync(plane.Rest, ns, "doomed", webhook, output);
        Assert.Equal(Roles.Arn("doomed"), ScenarioPods.Env(before, "AWS_ROLE_ARN"));

        await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}/serviceaccounts/doomed");
        var (second, rest) = await plane.StartSecondApiServerAsync("--disable-admission-plugins", "ServiceAccount");
        try
        {

            // The second API server calls the webhook too: a pod of the kept account proves it.
            var kept = await ScenarioPods.CreateMutatedAsync(rest, ns, "kept", webhook, output);
            Assert.Equal(Roles.Arn("kept"), ScenarioPods.Env(kept, "AWS_ROLE_ARN"));

            var orphan = await ScenarioPods.CreateAsync(rest, ns, "doomed");
            output.WriteLine(webhook.Tail());
            Assert.False(ScenarioPods.IsMutated(orphan));
            Assert.Null(ScenarioPods.Env(orphan, "AWS_ROLE_ARN"));
        }
        finally
        {
            await DeleteConfigurationAsync(configuration);
            await second.StopAsync();
            second.Dispose();
            rest.Dispose();
        }
    }

    [Fact]
    public async Task Stopped_webhook_with_failure_policy_Ignore_admits_pods_unmutated()
    {
        var (ns, scope) = await ScopedNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "app", Roles.Annotations("reader"));
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
        await plane.Rest.CreateServiceAccountAsync(ns, "app", Roles.Annotations("reader"));
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

    private Task DeleteConfigurationAsync(string name) => WebhookRegistration.DeleteAsync(plane.Rest, name);
}
