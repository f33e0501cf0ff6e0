using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Tests.Kubernetes;

/// <summary>
/// An informer of ServiceAccounts against a <see cref="FakeApiServer"/>, caching each
/// account's role annotation ("" when none), with timings short enough for tests.
/// </summary>
internal sealed class InformerHarness : IAsyncDisposable
{
    public static readonly InformerOptions FastOptions = new(FakeApiServer.CollectionPath)
    {
        List = new ListOptions(Limit: 3),
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
        MinHealthyWatch = TimeSpan.FromMilliseconds(50),
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly KubernetesApiClient _client;

    public InformerHarness(FakeApiServer server, InformerOptions? options = null, IInformerHandler<string>? handler = null)
    {
        _client = new KubernetesApiClient(new KubernetesConnection(new Uri(server.Url), "test"));
        Informer = new Informer<string>(_client, options ?? FastOptions, Project, NullLogger.Instance, handler);
        Run = Task.Run(() => Informer.RunAsync(_stop.Token));
    }

    public Informer<string> Informer { get; }

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

    private static string? Project(ObjectKey key, JsonElement obj) =>
        obj.GetProperty("metadata").TryGetProperty("annotations", out var annotations)
        && annotations.TryGetProperty(FakeApiServer.RoleAnnotation, out var role)
            ? role.GetString()
            : "";
}
