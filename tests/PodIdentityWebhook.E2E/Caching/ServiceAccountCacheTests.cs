using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Caching;

/// <summary>The ServiceAccount watch cache against a real kube-apiserver and etcd.</summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class ServiceAccountCacheTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Created_updated_and_deleted_service_accounts_reach_the_cache_within_a_second()
    {
        var ns = await NewNamespaceAsync();
        await using var cache = await RunningCache.StartAsync(plane);

        await plane.Rest.CreateServiceAccountAsync(ns, "app", Roles.Annotations("reader"));
        var added = await Poll.UntilAsync(() => cache.Find(ns, "app")?.RoleArn == Roles.Arn("reader"), OneSecond, "created ServiceAccount cached");

        await plane.Rest.MergePatchAsync($"/api/v1/namespaces/{ns}/serviceaccounts/app",
            Roles.AnnotationPatch("writer"));
        var updated = await Poll.UntilAsync(() => cache.Find(ns, "app")?.RoleArn == Roles.Arn("writer"), OneSecond, "changed annotation cached");

        await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}/serviceaccounts/app");
        var deleted = await Poll.UntilAsync(() => cache.Find(ns, "app") is null, OneSecond, "deleted ServiceAccount gone");

        output.WriteLine($"control plane started in {plane.StartupTime.TotalSeconds:F1} s; " +
            $"cache latency: add {added.TotalMilliseconds:F0} ms, update {updated.TotalMilliseconds:F0} ms, delete {deleted.TotalMilliseconds:F0} ms");
    }

    [OwnControlPlaneFact]
    public async Task Cache_survives_an_api_server_restart_and_catches_up_on_changes_made_meanwhile()
    {
        var ns = await NewNamespaceAsync();
        await plane.Rest.CreateServiceAccountAsync(ns, "kept", Roles.Annotations("kept"));
        await plane.Rest.CreateServiceAccountAsync(ns, "doomed", Roles.Annotations("doomed"));
        await plane.Rest.CreateServiceAccountAsync(ns, "changed", Roles.Annotations("before"));
        await using var cache = await RunningCache.StartAsync(plane);
        await Poll.UntilAsync(() => cache.Find(ns, "doomed") is not null, OneSecond, "initial list");

        await plane.StopApiServerAsync();
        try
        {
            // The cache's server is gone; another API server on the same etcd takes the writes.
            var (second, rest) = await plane.StartSecondApiServerAsync();
            using (second)
            using (rest)
            {
                await rest.CreateServiceAccountAsync(ns, "born", Roles.Annotations("born"));
                await rest.DeleteAsync($"/api/v1/namespaces/{ns}/serviceaccounts/doomed");
                await rest.MergePatchAsync($"/api/v1/namespaces/{ns}/serviceaccounts/changed",
                    Roles.AnnotationPatch("after"));
                await second.StopAsync();
            }

            Assert.Null(cache.Find(ns, "born"));
            Assert.NotNull(cache.Find(ns, "doomed"));
        }
        finally
        {
            await plane.StartApiServerAsync();
        }

        // Reconnection waits out the informer's backoff (capped at 30 s).
        var deadline = TimeSpan.FromSeconds(45);
        var caughtUp = await Poll.UntilAsync(
            () => cache.Find(ns, "born")?.RoleArn == Roles.Arn("born")
                  && cache.Find(ns, "doomed") is null
                  && cache.Find(ns, "changed")?.RoleArn == Roles.Arn("after")
                  && cache.Find(ns, "kept") is not null,
            deadline,
            "changes made while the API server was down");
        output.WriteLine($"caught up {caughtUp.TotalSeconds:F1} s after the API server returned");

        await plane.Rest.CreateServiceAccountAsync(ns, "after-restart", Roles.Annotations("new"));
        await Poll.UntilAsync(() => cache.Find(ns, "after-restart") is not null, OneSecond, "watch live again after the restart");
    }

    private async Task<string> NewNamespaceAsync()
    {
        var name = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        await plane.Rest.CreateNamespaceAsync(name);
        return name;
    }

    /// <summary>The production cache, connected through the generated kubeconfig.</summary>
    private sealed class RunningCache : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly KubernetesApi _api;
        private readonly ServiceAccountCache _cache;
        private readonly Task _run;

        private RunningCache(KubernetesApi api, ServiceAccountCache cache)
        {
            _api = api;
            _cache = cache;
            _run = cache.RunAsync(_stop.Token);
        }

        public static async Task<RunningCache> StartAsync(ControlPlaneFixture plane)
        {
            var options = new WebhookOptions();
            var api = KubernetesConnections.Connect(plane.KubeconfigPath, "");
            var cache = new ServiceAccountCache(
                api, new ServiceAccountParser(options, NullLogger<ServiceAccountParser>.Instance), options,
                NullLogger<ServiceAccountCache>.Instance);
            var running = new RunningCache(api, cache);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await cache.WaitForSyncAsync(timeout.Token);
            return running;
        }

        public ServiceAccountIdentity? Find(string @namespace, string name) => _cache.Find(@namespace, name);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run;
            _api.Dispose();
            _stop.Dispose();
        }
    }
}
