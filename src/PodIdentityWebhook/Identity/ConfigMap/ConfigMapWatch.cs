using k8s.Models;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// --watch-config-map: a list+watch of the one <c>pod-identity-webhook</c> ConfigMap in
/// --namespace (a field selector, so nothing else is sent), feeding each version of its
/// <c>config</c> key to a <see cref="ConfigMapIdentitySource"/>. Deleting the ConfigMap, or
/// its key, clears the entries; a version that does not parse keeps the last good table.
/// Synced after the first list, whether or not the ConfigMap exists.
/// </summary>
internal sealed class ConfigMapWatch : IConfigMapSource, IInformerHandler<string>
{
    private readonly Informer<V1ConfigMap, string> _informer;
    private readonly ConfigMapIdentitySource _source;
    private readonly Lock _gate = new();
    private string? _applied;
    private bool _seen;

    public ConfigMapWatch(
        IKubernetesApi api,
        ConfigMapIdentitySource source,
        WebhookOptions options,
        ILogger<ConfigMapWatch> logger,
        InformerOptions? informerOptions = null,
        WebhookMetrics? metrics = null)
    {
        _source = source;
        informerOptions ??= DefaultOptions(options.ResyncPeriod);
        _informer = new Informer<V1ConfigMap, string>(
            api.ConfigMaps(options.Namespace),
            metrics is null ? informerOptions : informerOptions.Reporting(metrics.ConfigMap.Synced, metrics.ConfigMap.WatchRestarted),
            Project,
            logger,
            this);
    }

    public bool HasSynced => _informer.HasSynced;

    public int Count => _source.Count;

    public ConfigMapEntry? Find(string @namespace, string name, bool orAnyNamespace = true) => _source.Find(@namespace, name, orAnyNamespace);

    public IReadOnlyCollection<KeyValuePair<(string Namespace, string Name), ConfigMapEntry>> All() => _source.All();

    /// <summary>Forgets the ConfigMap (no entries apply) and lists it again at once (<c>/debug/alpha/cache/clear</c>).</summary>
    public void Clear() => _informer.Clear();

    public static InformerOptions DefaultOptions(TimeSpan resyncPeriod) =>
        new()
        {
            List = new ListOptions(FieldSelector: "metadata.name=" + IdentityConstants.ConfigMapName),
            ResyncPeriod = resyncPeriod,
        };

    public Task RunAsync(CancellationToken cancellationToken) => _informer.RunAsync(cancellationToken);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _informer.WaitForSyncAsync(cancellationToken);

    void IInformerHandler<string>.OnUpsert(ObjectKey key, string value) => Apply(value);

    void IInformerHandler<string>.OnDelete(ObjectKey key, string value) => Apply(null);

    // The ConfigMap's config value; null (nothing cached, so a delete) when the key is missing.
    private static string? Project(ObjectKey key, V1ConfigMap configMap) =>
        key.Name == IdentityConstants.ConfigMapName && configMap.Data?.TryGetValue(IdentityConstants.ConfigMapKey, out var config) == true
            ? config
            : null;

    private void Apply(string? config)
    {
        lock (_gate)
        {
            // Resyncs and unrelated edits re-deliver the same value: parse and log only changes.
            if (_seen && string.Equals(config, _applied, StringComparison.Ordinal))
            {
                return;
            }

            _seen = true;
            _applied = config;
            _source.Update(config);
        }
    }
}
