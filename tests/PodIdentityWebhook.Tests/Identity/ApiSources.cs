using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;
using PodIdentityWebhook.Tests.Kubernetes;

namespace PodIdentityWebhook.Tests.Identity;

/// <summary>
/// The API-backed identity sources against a <see cref="FakeApiServer"/>: the ServiceAccount
/// cache (running), optionally the ConfigMap watch (running) and the cache-miss lookup, with
/// timings short enough for tests.
/// </summary>
internal sealed class ApiSources : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _runs = [];

    public ApiSources(FakeApiServer server, WebhookOptions? options = null, bool watchConfigMap = false, TimeProvider? time = null)
    {
        Options = options ?? TestOptions.Default;
        Client = new KubernetesApi(new KubernetesClientConfiguration { Host = server.Url });
        var parser = new ServiceAccountParser(Options, NullLogger<ServiceAccountParser>.Instance);
        Cache = new ServiceAccountCache(Client, parser, Options, NullLogger<ServiceAccountCache>.Instance, Fast(null));
        _runs.Add(Task.Run(() => Cache.RunAsync(_stop.Token)));
        if (watchConfigMap)
        {
            ConfigMapSource = new ConfigMapIdentitySource(Options, ConfigMapLog);
            var defaults = ConfigMapWatch.DefaultOptions(TimeSpan.Zero);
            ConfigMap = new ConfigMapWatch(Client, ConfigMapSource, Options, NullLogger<ConfigMapWatch>.Instance, Fast(defaults.List));
            _runs.Add(Task.Run(() => ConfigMap.RunAsync(_stop.Token)));
        }

        if (Options.ServiceAccountLookupGracePeriod > TimeSpan.Zero)
        {
            Lookup = new ServiceAccountLookup(Cache, Client, Options.ServiceAccountLookupGracePeriod, NullLogger<ServiceAccountLookup>.Instance, time);
        }
    }

    public WebhookOptions Options { get; }

    public KubernetesApi Client { get; }

    public ServiceAccountCache Cache { get; }

    public ConfigMapWatch? ConfigMap { get; }

    public ConfigMapIdentitySource? ConfigMapSource { get; }

    public ListLogger<ConfigMapIdentitySource> ConfigMapLog { get; } = new();

    public ServiceAccountLookup? Lookup { get; }

    public WebhookMetrics Metrics { get; } = new();

    public IdentityResolver Resolver() => new(
        Options, Cache, (IConfigMapSource?)ConfigMap ?? ConfigMapEntries.Empty, ContainerCredentialsIdentities.Empty, Lookup, Metrics);

    public async Task SyncedAsync()
    {
        await Cache.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);
        if (ConfigMap is not null)
        {
            await ConfigMap.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_runs).WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Lookup?.Dispose();
            Metrics.Dispose();
            Client.Dispose();
            _stop.Dispose();
        }
    }

    private static InformerOptions Fast(ListOptions? list) => new()
    {
        List = list ?? new ListOptions(Limit: 3),
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
        MinHealthyWatch = TimeSpan.FromMilliseconds(50),
    };
}
