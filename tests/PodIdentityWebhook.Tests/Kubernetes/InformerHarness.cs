using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Tests.Kubernetes;

/// <summary>
/// An informer of ServiceAccounts against a <see cref="FakeApiServer"/>, caching each
/// account's role annotation ("" when none), with timings short enough for tests.
/// </summary>
internal sealed class InformerHarness : IAsyncDisposable
{
    public static readonly InformerOptions FastOptions = new()
    {
        List = new ListOptions(Limit: 3),
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
        MinHealthyWatch = TimeSpan.FromMilliseconds(50),
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly KubernetesApi _client;

    /// <param name="prefetch">Whether the first list is sent as the client is made, as the webhook does, before the informer exists.</param>
    public InformerHarness(
        FakeApiServer server, InformerOptions? options = null, IInformerHandler<string>? handler = null, TimeProvider? time = null, bool prefetch = false)
    {
        _client = new KubernetesApi(new KubernetesClientConfiguration { Host = server.Url });
        if (prefetch)
        {
            _client.PrefetchServiceAccounts((options ?? FastOptions).List);
        }

        Informer = new Informer<V1ServiceAccount, string>(_client.ServiceAccounts, options ?? FastOptions, Project, NullLogger.Instance, handler, time);
        Run = Task.Run(() => Informer.RunAsync(_stop.Token));
    }

    public Informer<V1ServiceAccount, string> Informer { get; }

    public Task Run { get; }

    public string? RoleOf(string ns, string name) => Informer.TryGet(ns, name, out var role) ? role : null;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _client.Dispose();
            _stop.Dispose();
        }
    }

    private static string? Project(ObjectKey key, V1ServiceAccount obj) =>
        obj.Metadata.Annotations?.TryGetValue(FakeApiServer.RoleAnnotation, out var role) == true ? role : "";
}
