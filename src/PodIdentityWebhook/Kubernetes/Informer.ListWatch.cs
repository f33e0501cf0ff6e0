using System.Diagnostics;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The informer's loop: list in pages, watch from the list's resourceVersion, re-list on 410
/// Gone or after <see cref="Clear"/>, back off on errors, and resync the handler periodically.
/// </summary>
/// <remarks>The type parameters' constraints are declared on the other part.</remarks>
internal sealed partial class Informer<TObject, T>
{
    private async Task ListAndWatchLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff);
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan? delay = null;
            var listing = _resourceVersion is null || _relist;
            using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            try
            {
                if (listing)
                {
                    _relist = false;
                    await ListAsync(cancellationToken);
                    backoff.Reset();
                    listing = false;
                    if (_relist)
                    {
                        // Cleared during the list: what it saw before the clear is gone again.
                        continue;
                    }
                }

                Volatile.Write(ref _watchStop, watchStop);
                if (_watches++ > 0)
                {
                    _options.WatchRestarted?.Invoke();
                }

                var started = _time.GetTimestamp();
                var events = await WatchAsync(_resourceVersion!, watchStop.Token);
                if (events > 0 || _time.GetElapsedTime(started) >= _options.MinHealthyWatch)
                {
                    backoff.Reset();
                }
                else
                {
                    delay = backoff.Next();
                    InformerLog.LogWatchClosedEarly(_logger, _source.Path, delay.Value.TotalMilliseconds);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception) when (watchStop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Clear ended the watch (as a cancellation or a broken stream): list now.
                continue;
            }
            catch (KubernetesApiException ex) when (ex.IsExpired && !cancellationToken.IsCancellationRequested)
            {
                _resourceVersion = null;
                if (listing)
                {
                    // An expired continue token: start the list over, but not in a tight loop.
                    delay = backoff.Next();
                }

                InformerLog.LogExpired(_logger, _source.Path, ex.Message);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // A broken watch resumes from the last resourceVersion; a 410 then sends us to list.
                delay = backoff.Next();
                InformerLog.LogFailed(_logger, _source.Path, listing ? "list" : "watch", ex.Message, delay.Value.TotalMilliseconds);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Cancellation surfaced as a broken connection.
                break;
            }

            if (delay is { } wait)
            {
                try
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // The first list takes what the API server's watch cache holds (resourceVersion 0), as
        // client-go's reflector does: one response, no read through to etcd, so a new replica
        // is ready sooner; the watch then brings it up to date. A re-list (after 410 Gone, or a
        // clear) asks for the latest, since the cache may be what fell behind.
        var options = _listed ? _options.List : _options.List.FirstList();
        var seen = new HashSet<ObjectKey>();
        string? continueToken = null;
        string resourceVersion;
        var pages = 0;
        do
        {
            var page = await _source.ListAsync(options, continueToken, cancellationToken);
            pages++;
            lock (_gate)
            {
                foreach (var item in page.Items)
                {
                    if (KeyOf(item) is { } key)
                    {
                        seen.Add(key);
                        Upsert(key, item);
                    }
                }
            }

            continueToken = page.Continue;
            resourceVersion = page.ResourceVersion;
        }
        while (continueToken is not null);

        lock (_gate)
        {
            foreach (var key in _cache.Keys)
            {
                if (!seen.Contains(key))
                {
                    Remove(key);
                }
            }
        }

        _resourceVersion = resourceVersion;
        _listed = true;
        InformerLog.LogListed(_logger, _source.Path, seen.Count, pages, resourceVersion, clock.ElapsedMilliseconds);
        _options.Listed?.Invoke();
        _synced.TrySetResult();
    }

    private async Task<int> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var min = _options.MinWatchTimeout;
        var timeout = min + TimeSpan.FromTicks((long)(min.Ticks * Random.Shared.NextDouble()));
        InformerLog.LogWatching(_logger, _source.Path, resourceVersion, (int)timeout.TotalSeconds);
        var events = 0;
        await foreach (var watchEvent in _source.WatchAsync(_options.List, resourceVersion, timeout, cancellationToken))
        {
            events++;
            var obj = watchEvent.Object;
            if (watchEvent.Type != WatchEventType.Bookmark && KeyOf(obj) is { } key)
            {
                lock (_gate)
                {
                    if (watchEvent.Type == WatchEventType.Deleted)
                    {
                        Remove(key);
                    }
                    else
                    {
                        Upsert(key, obj);
                    }
                }
            }

            if (ResourceVersionOf(obj) is { } version)
            {
                _resourceVersion = version;
            }
        }

        InformerLog.LogWatchEnded(_logger, _source.Path, events, _resourceVersion);
        return events;
    }

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Task.Delay(_options.ResyncPeriod, _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (!HasSynced)
            {
                continue;
            }

            lock (_gate)
            {
                foreach (var (key, value) in _cache)
                {
                    Notify(key, value, deleted: false);
                }
            }
        }
    }
}
