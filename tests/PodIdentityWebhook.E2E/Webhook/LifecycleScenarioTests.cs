using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// What changes over a webhook's life: ServiceAccounts that appear just before their pods,
/// change or go away, and the webhook itself going away.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class LifecycleScenarioTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    [Fact]
    public async Task Changed_role_annotation_reaches_new_pods()
    {
        await using var served = await ServedNamespace.StartAsync(plane, "life");
        await plane.Rest.CreateServiceAccountAsync(served.Name, "app", Roles.Annotations("before"));
        var first = await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "app", served.Webhook, output);
        Assert.Equal(Roles.Arn("before"), ScenarioPods.Env(first, "AWS_ROLE_ARN"));

        await plane.Rest.MergePatchAsync($"/api/v1/namespaces/{served.Name}/serviceaccounts/app", Roles.AnnotationPatch("after"));
        var deadline = DateTime.UtcNow.AddSeconds(2);
        string? role;
        do
        {
            role = ScenarioPods.Env(await ScenarioPods.CreateAsync(plane.Rest, served.Name, "app"), "AWS_ROLE_ARN");
        }
        while (role != Roles.Arn("after") && DateTime.UtcNow < deadline);

        Assert.Equal(Roles.Arn("after"), role);
    }

    [Fact]
    public async Task Service_accounts_created_just_before_their_pods_are_waited_for_within_the_grace_period()
    {
        await using var served = await ServedNamespace.StartAsync(plane, "grace", ["--service-account-lookup-grace-period", "5s"]);
        await plane.Rest.CreateServiceAccountAsync(served.Name, "warm-up", Roles.Annotations("warm-up"));
        await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "warm-up", served.Webhook, output);

        // No pause between the two calls: the pod's review can reach the webhook before the
        // watch event of its ServiceAccount; the grace period bridges the gap (with 0s this fails).
        for (var i = 0; i < 10; i++)
        {
            await plane.Rest.CreateServiceAccountAsync(served.Name, $"fresh-{i}", Roles.Annotations($"fresh-{i}"));
            var pod = await ScenarioPods.CreateAsync(plane.Rest, served.Name, $"fresh-{i}");
            Assert.Equal(Roles.Arn($"fresh-{i}"), ScenarioPods.Env(pod, "AWS_ROLE_ARN"));
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
        await using var served = await ServedNamespace.StartAsync(plane, "deleted", ["--service-account-lookup-grace-period", "1s"]);
        await plane.Rest.CreateServiceAccountAsync(served.Name, "kept", Roles.Annotations("kept"));
        await plane.Rest.CreateServiceAccountAsync(served.Name, "doomed", Roles.Annotations("doomed"));
        var before = await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "doomed", served.Webhook, output);
        Assert.Equal(Roles.Arn("doomed"), ScenarioPods.Env(before, "AWS_ROLE_ARN"));

        await plane.Rest.DeleteAsync($"/api/v1/namespaces/{served.Name}/serviceaccounts/doomed");
        var (second, rest) = await plane.StartSecondApiServerAsync("--disable-admission-plugins", "ServiceAccount");
        try
        {
            // The second API server calls the webhook too: a pod of the kept account proves it.
            var kept = await ScenarioPods.CreateMutatedAsync(rest, served.Name, "kept", served.Webhook, output);
            Assert.Equal(Roles.Arn("kept"), ScenarioPods.Env(kept, "AWS_ROLE_ARN"));

            var orphan = await ScenarioPods.CreateAsync(rest, served.Name, "doomed");
            Assert.False(ScenarioPods.IsMutated(orphan));
            Assert.Null(ScenarioPods.Env(orphan, "AWS_ROLE_ARN"));
        }
        finally
        {
            await second.StopAsync();
            second.Dispose();
            rest.Dispose();
        }
    }

    [Fact]
    public async Task Stopped_webhook_with_failure_policy_Ignore_admits_pods_unmutated()
    {
        await using var served = await ServedThenStoppedAsync("Ignore");

        var pod = await ScenarioPods.CreateAsync(plane.Rest, served.Name, "app");
        Assert.False(ScenarioPods.IsMutated(pod));
        Assert.Null(ScenarioPods.Env(pod, "AWS_ROLE_ARN"));
    }

    [Fact]
    public async Task Stopped_webhook_with_failure_policy_Fail_rejects_pods_naming_the_webhook()
    {
        await using var served = await ServedThenStoppedAsync("Fail");

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ScenarioPods.CreateAsync(plane.Rest, served.Name, "app"));
        output.WriteLine(refused.Message);
        Assert.Contains("pod-identity-webhook.amazonaws.com", refused.Message, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, refused.StatusCode);
    }

    /// <summary>A namespace whose webhook mutated one pod of <c>app</c> and then stopped.</summary>
    private async Task<ServedNamespace> ServedThenStoppedAsync(string failurePolicy)
    {
        var served = await ServedNamespace.StartAsync(plane, failurePolicy.ToLowerInvariant(), failurePolicy: failurePolicy);
        await plane.Rest.CreateServiceAccountAsync(served.Name, "app", Roles.Annotations("reader"));
        await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "app", served.Webhook, output);
        await served.Webhook.DisposeAsync();
        return served;
    }
}
