using System.Diagnostics;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// Pods created one after another, about twenty a second, until stopped: each is a real
/// creation through admission (the webhook, with the release's failurePolicy), of a
/// ServiceAccount with a role, bound to a node name that does not exist so that no kubelet
/// runs it. Counts what was refused and what came back without the identity. A 500
/// ServerTimeout ("please try again": etcd was slow on this shared machine, the webhook was
/// never asked) is retried, as every Kubernetes client retries it, and counted apart.
/// </summary>
internal sealed class PodChurn : IAsyncDisposable
{
    private readonly KubeRest _rest;
    private readonly string _namespace;
    private readonly string _serviceAccount;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly Task _loop;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);
    private int _created;
    private int _uninjected;
    private int _serverTimeouts;

    private PodChurn(KubeRest rest, string ns, string serviceAccount)
    {
        _rest = rest;
        _namespace = ns;
        _serviceAccount = serviceAccount;
        _loop = Task.Run(LoopAsync);
    }

    public int Created => Volatile.Read(ref _created);

    public int Uninjected => Volatile.Read(ref _uninjected);

    public int ServerTimeouts => Volatile.Read(ref _serverTimeouts);

    public override string ToString() =>
        $"{Created} pods created, {Failures.Count} refused, {Uninjected} without the identity, {ServerTimeouts} storage timeouts retried";

    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public static PodChurn Start(NodeCluster cluster, string ns, string serviceAccount) =>
        new(KubeRest.FromKubeconfig(cluster.KubeconfigPath), ns, serviceAccount);

    /// <summary>Waits until at least <paramref name="count"/> more pods were created, so each phase of a test is covered.</summary>
    public async Task WaitForMoreAsync(int count)
    {
        var target = Created + count;
        await Poll.UntilAsync(() => Created >= target || _loop.IsCompleted, TimeSpan.FromSeconds(60), $"{count} more pod creations");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _rest.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var clock = Stopwatch.StartNew();
        while (!_stop.IsCancellationRequested)
        {
            var next = clock.Elapsed + Pace;
            try
            {
                var pod = await _rest.CreateAsync($"/api/v1/namespaces/{_namespace}/pods", Pod());
                Interlocked.Increment(ref _created);
                var env = pod["spec"]!["containers"]![0]!["env"] as JsonArray ?? [];
                if (!env.Any(e => e!["name"]!.GetValue<string>() == "AWS_ROLE_ARN"))
                {
                    Interlocked.Increment(ref _uninjected);
                }
            }
            catch (HttpRequestException ex) when (ex.Message.Contains("\"reason\":\"ServerTimeout\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _serverTimeouts);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                lock (_failures)
                {
                    _failures.Add($"{clock.Elapsed.TotalSeconds:F1}s: {ex.Message}");
                }
            }

            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed);
            }
        }
    }

    private JsonObject Pod() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["generateName"] = "churn-" },
        ["spec"] = new JsonObject
        {
            ["serviceAccountName"] = _serviceAccount,
            // Bound to no real node: stored and admitted like any pod, run by no kubelet.
            ["nodeName"] = "no-such-node",
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = NodeCluster.ToolboxImage }),
        },
    };
}
