using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using k8s;
using k8s.Models;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Keeps a cache of one kind of object, as client-go's reflector and YARP's ResourceInformer
/// do: list in pages, then watch from the list's resourceVersion with bookmarks; re-list on
/// 410 Gone, dropping objects that vanished meanwhile; re-watch from the last seen
/// resourceVersion when a watch ends or breaks; capped exponential backoff with jitter on
/// errors. The cache holds only what <c>project</c> makes of each object, never the object.
/// </summary>
/// <typeparam name="TObject">The library's model of the object listed and watched.</typeparam>
/// <typeparam name="T">The small record kept per object.</typeparam>
internal sealed partial class Informer<TObject, T>
    where TObject : class, IKubernetesObject<V1ObjectMeta>
    where T : class
{
    private readonly IListWatch<TObject> _source;
    private readonly InformerOptions _options;
    private readonly Func<ObjectKey, TObject, T?> _project;
    private readonly IInformerHandler<T>? _handler;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<ObjectKey, T> _cache = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Cache mutations plus handler calls happen under this lock, so the handler sees them
    // in order and a resync never interleaves with a watch event.
    private readonly Lock _gate = new();

    // Many objects share a namespace; one string per namespace keeps 100k keys small.
    private readonly Dictionary<string, string> _namespaces = new(StringComparer.Ordinal);

    private volatile string? _resourceVersion;

    // Set by Clear: the loop lists again at once, ending the current watch.
    private volatile bool _relist;

    /// <summary>Whether a list has completed: the first is served from the API server's cache.</summary>
    private bool _listed;
    private CancellationTokenSource? _watchStop;
    private long _watches;

    /// <param name="project">
    /// Turns an object into the cached value, or null to keep nothing for it (and drop what
    /// was kept). It receives the key so the value can share its strings.
    /// </param>
    /// <param name="handler">Told of every change; null when only lookups are needed.</param>
    public Informer(
        IListWatch<TObject> source,
        InformerOptions options,
        Func<ObjectKey, TObject, T?> project,
        ILogger logger,
        IInformerHandler<T>? handler = null,
        TimeProvider? time = null)
    {
        _source = source;
        _options = options;
        _project = project;
        _logger = logger;
        _handler = handler;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>True once the first complete list is in the cache; stays true after.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    public int Count => _cache.Count;

    /// <summary>The resourceVersion the next watch starts from; null until listed, and after a 410.</summary>
    public string? ResourceVersion => _resourceVersion;

    public bool TryGet(string @namespace, string name, [MaybeNullWhen(false)] out T value) =>
        _cache.TryGetValue(new ObjectKey(@namespace, name), out value);

    /// <summary>A point-in-time copy of the cache.</summary>
    public KeyValuePair<ObjectKey, T>[] Snapshot() => _cache.ToArray();

    /// <summary>
    /// Empties the cache (the handler sees every object deleted) and makes the running loop
    /// list again at once. Readiness is kept: the cache refills from the list.
    /// </summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var key in _cache.Keys)
            {
                Remove(key);
            }

            _relist = true;
        }

        try
        {
            Volatile.Read(ref _watchStop)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That watch has just ended; the loop sees _relist before the next one.
        }
    }

    /// <summary>Completes when the first list is in; throws only if <paramref name="cancellationToken"/> fires first.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Caches an object read outside the watch (a GET on a cache miss) unless the cache
    /// already holds it or the watch has already moved past its resourceVersion, since then
    /// its absence means it was deleted. Returns what the cache holds for it afterwards.
    /// </summary>
    public T? AddIfAbsent(TObject obj)
    {
        if (KeyOf(obj) is not { } key)
        {
            return null;
        }

        lock (_gate)
        {
            if (_cache.TryGetValue(key, out var existing))
            {
                return existing;
            }

            if (IsOlderThanWatch(ResourceVersionOf(obj)))
            {
                return null;
            }

            Upsert(key, obj);
            return _cache.GetValueOrDefault(key);
        }
    }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> fires, then returns without throwing.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var resync = _options.ResyncPeriod > TimeSpan.Zero && _handler is not null
            ? ResyncLoopAsync(stop.Token)
            : Task.CompletedTask;
        try
        {
            await ListAndWatchLoopAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await resync;
        }
    }

    // Callers hold _gate.
    private void Upsert(ObjectKey key, TObject obj)
    {
        T? value;
        try
        {
            value = _project(key, obj);
        }
        catch (Exception ex)
        {
            // One odd object must not stall the informer; keep what was cached for it.
            InformerLog.LogProjectFailed(_logger, _source.Path, key.ToString(), ex.Message, ex);
            return;
        }

        if (value is null)
        {
            Remove(key);
            return;
        }

        _cache[key] = value;
        Notify(key, value, deleted: false);
    }

    // Callers hold _gate.
    private void Remove(ObjectKey key)
    {
        if (_cache.TryRemove(key, out var old))
        {
            Notify(key, old, deleted: true);
        }
    }

    private void Notify(ObjectKey key, T value, bool deleted)
    {
        if (_handler is null)
        {
            return;
        }

        try
        {
            if (deleted)
            {
                _handler.OnDelete(key, value);
            }
            else
            {
                _handler.OnUpsert(key, value);
            }
        }
        catch (Exception ex)
        {
            InformerLog.LogHandlerFailed(_logger, _source.Path, key.ToString(), ex.Message, ex);
        }
    }

    private ObjectKey? KeyOf(TObject? obj)
    {
        var name = obj?.Metadata?.Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var @namespace = obj!.Metadata.NamespaceProperty ?? "";
        lock (_namespaces)
        {
            if (!_namespaces.TryGetValue(@namespace, out var shared))
            {
                _namespaces[@namespace] = shared = @namespace;
            }

            return new ObjectKey(shared, name);
        }
    }

    // resourceVersions are opaque to clients, but every API server makes them etcd revisions;
    // when either is not a number, assume the object is newer.
    private bool IsOlderThanWatch(string? objectVersion) =>
        long.TryParse(objectVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
        && long.TryParse(_resourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var watched)
        && version <= watched;

    private static string? ResourceVersionOf(TObject? obj) =>
        obj?.Metadata?.ResourceVersion is { Length: > 0 } text ? text : null;
}
