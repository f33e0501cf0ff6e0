using k8s.Models;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// Every ServiceAccount in the cluster, from a list+watch of <c>/api/v1/serviceaccounts</c>,
/// kept as a <see cref="CachedServiceAccount"/> (the answer, not the object): under 300
/// bytes each, so 100k ServiceAccounts fit in about 20 MB
/// (<c>scripts/measure-cache-memory.sh</c>).
/// </summary>
internal sealed class ServiceAccountCache : IServiceAccountSource, IInformerHandler<CachedServiceAccount>
{
    private readonly Informer<V1ServiceAccount, CachedServiceAccount> _informer;
    private readonly ServiceAccountParser _parser;
    private readonly string _annotationPrefix;
    private readonly StringPool _pool = new();
    private readonly StringPool _arnPrefixes = new(capacity: 1024);

    public ServiceAccountCache(
        IKubernetesApi api,
        ServiceAccountParser parser,
        WebhookOptions options,
        ILogger<ServiceAccountCache> logger,
        InformerOptions? informerOptions = null,
        WebhookMetrics? metrics = null)
    {
        _parser = parser;
        _annotationPrefix = options.AnnotationPrefix + "/";
        informerOptions ??= new InformerOptions { ResyncPeriod = options.ResyncPeriod };
        _informer = new Informer<V1ServiceAccount, CachedServiceAccount>(
            api.ServiceAccounts,
            metrics is null ? informerOptions : informerOptions.Reporting(metrics.ServiceAccounts.Synced, metrics.ServiceAccounts.WatchRestarted),
            Project,
            logger,
            this);
    }

    /// <summary>Raised after the watch (or a lookup) caches a ServiceAccount; must be quick.</summary>
    public event Action<ObjectKey>? Cached;

    public bool HasSynced => _informer.HasSynced;

    public int Count => _informer.Count;

    public ServiceAccountIdentity? Find(string @namespace, string name) =>
        _informer.TryGet(@namespace, name, out var account) ? account.ToIdentity(@namespace, name) : null;

    public IReadOnlyCollection<ServiceAccountIdentity> All() =>
        [.. _informer.Snapshot().Select(entry => entry.Value.ToIdentity(entry.Key.Namespace, entry.Key.Name))];

    /// <summary>
    /// Drops every cached ServiceAccount and lists them again at once, as the reference's
    /// <c>/debug/alpha/cache/clear</c> empties its cache; pods admitted meanwhile miss (and wait
    /// for a lookup with --service-account-lookup-grace-period).
    /// </summary>
    public void Clear() => _informer.Clear();

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _informer.RunAsync(cancellationToken);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _informer.WaitForSyncAsync(cancellationToken);

    /// <summary>Caches a ServiceAccount read with a GET, unless the watch knows better; returns what the cache then says.</summary>
    public ServiceAccountIdentity? Add(V1ServiceAccount serviceAccount, string @namespace, string name) =>
        _informer.AddIfAbsent(serviceAccount)?.ToIdentity(@namespace, name);

    /// <summary>
    /// The cache's projection: the parsed identity with its strings shared. Public so the
    /// memory benchmark measures exactly what the cache keeps.
    /// </summary>
    public CachedServiceAccount Project(ObjectKey key, V1ServiceAccount serviceAccount)
    {
        var resourceVersion = serviceAccount.Metadata?.ResourceVersion;
        Dictionary<string, string>? annotations = null;
        if (serviceAccount.Metadata?.Annotations is { } values)
        {
            // Only ours are read; the rest (last-applied-configuration and such) are never copied.
            foreach (var (name, value) in values)
            {
                if (value is not null && name.StartsWith(_annotationPrefix, StringComparison.Ordinal))
                {
                    annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    annotations[name] = value;
                }
            }
        }

        var identity = _parser.Parse(key.Namespace, key.Name, resourceVersion, annotations);
        string? arnPrefix = null;
        string? arnRest = null;
        if (identity.RoleArn is { } roleArn)
        {
            var split = CachedServiceAccount.PrefixLength(roleArn);
            arnPrefix = split > 0 ? _arnPrefixes.Intern(roleArn[..split]) : null;
            arnRest = _pool.Intern(split > 0 ? roleArn[split..] : roleArn);
        }

        return new CachedServiceAccount(
            resourceVersion,
            arnPrefix,
            arnRest,
            _pool.Intern(identity.Audience),
            identity.UseRegionalSts,
            identity.TokenExpiration);
    }

    void IInformerHandler<CachedServiceAccount>.OnUpsert(ObjectKey key, CachedServiceAccount value) => Cached?.Invoke(key);

    void IInformerHandler<CachedServiceAccount>.OnDelete(ObjectKey key, CachedServiceAccount value)
    {
    }
}
