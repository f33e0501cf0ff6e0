using System.Collections.Concurrent;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// The cache miss (--service-account-lookup-grace-period): a pod whose ServiceAccount the
/// watch has not delivered yet waits up to the grace period while one GET asks the API
/// server. Concurrent misses for one ServiceAccount share that GET; GETs are rate limited
/// (10/s, burst 20) so a burst of pods cannot flood the API server. Whichever answers
/// first, the GET or the watch, wins; a ServiceAccount found by the GET goes into the cache.
/// </summary>
internal sealed partial class ServiceAccountLookup : IDisposable
{
    /// <summary>GETs that may start at once.</summary>
    public const int Burst = 20;

    /// <summary>GETs per second after the burst.</summary>
    public const int PerSecond = 10;

    // Misses beyond this many waiting for a token give up on the GET (they still watch the cache).
    private const int QueueLimit = 1000;

    private readonly ServiceAccountCache _cache;
    private readonly IKubernetesApi _api;
    private readonly TimeSpan _gracePeriod;
    private readonly ILogger<ServiceAccountLookup> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _tokens = new(Burst, Burst);
    private readonly ITimer _replenisher;
    private int _queued;
    private readonly ConcurrentDictionary<ObjectKey, TaskCompletionSource<ServiceAccountIdentity?>> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();

    public ServiceAccountLookup(
        ServiceAccountCache cache,
        IKubernetesApi api,
        TimeSpan gracePeriod,
        ILogger<ServiceAccountLookup> logger,
        TimeProvider? time = null)
    {
        _cache = cache;
        _api = api;
        _gracePeriod = gracePeriod;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        // A token bucket on the injected clock (the framework's rate limiters read the real
        // one), so tests drive the rate with a fake clock.
        var period = TimeSpan.FromSeconds(1.0 / PerSecond);
        _replenisher = _time.CreateTimer(static lookup => ((ServiceAccountLookup)lookup!).Replenish(), this, period, period);
        _cache.Cached += OnCached;
    }

    public TimeSpan GracePeriod => _gracePeriod;

    /// <summary>The ServiceAccount from the cache, or from the API within the grace period; null when not found in time.</summary>
    public async ValueTask<ServiceAccountIdentity?> FindAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var cached = _cache.Find(@namespace, name);
        if (cached is not null || _gracePeriod <= TimeSpan.Zero)
        {
            return cached;
        }

        var started = _time.GetTimestamp();
        var flight = Join(new ObjectKey(@namespace, name));

        // The watch may have delivered it between the first look and joining the flight.
        if (_cache.Find(@namespace, name) is { } arrived)
        {
            return arrived;
        }

        try
        {
            return await flight.WaitAsync(_gracePeriod, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogNotFoundInTime(_logger, @namespace, name, _time.GetElapsedTime(started).TotalMilliseconds);
            return null;
        }
    }

    public void Dispose()
    {
        _cache.Cached -= OnCached;
        _stopping.Cancel();
        _stopping.Dispose();
        _replenisher.Dispose();
        _tokens.Dispose();
    }

    private Task<ServiceAccountIdentity?> Join(ObjectKey key)
    {
        while (true)
        {
            if (_inFlight.TryGetValue(key, out var existing))
            {
                return existing.Task;
            }

            var flight = new TaskCompletionSource<ServiceAccountIdentity?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight.TryAdd(key, flight))
            {
                _ = FetchAsync(key, flight);
                return flight.Task;
            }
        }
    }

    private async Task FetchAsync(ObjectKey key, TaskCompletionSource<ServiceAccountIdentity?> flight)
    {
        // Nobody waits longer than the grace period, so neither does the flight.
        using var graceOver = new CancellationTokenSource(_gracePeriod, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, graceOver.Token);
        try
        {
            if (!await TakeTokenAsync(deadline.Token))
            {
                LogRateLimited(_logger, key.Namespace, key.Name);
            }
            else
            {
                var serviceAccount = await _api.GetServiceAccountAsync(key.Namespace, key.Name, deadline.Token);
                if (serviceAccount is null)
                {
                    LogNotFound(_logger, key.Namespace, key.Name);
                    flight.TrySetResult(null);
                    return;
                }

                var account = _cache.Add(serviceAccount, key.Namespace, key.Name);
                LogFetched(_logger, key.Namespace, key.Name, account is not null);
                flight.TrySetResult(account);
                return;
            }

            // No GET: the watch may still deliver it in time.
            await flight.Task.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The grace period is over (or the webhook is stopping): the waiting pods have given up.
        }
        catch (Exception ex)
        {
            LogGetFailed(_logger, key.Namespace, key.Name, ex.Message);
            try
            {
                await flight.Task.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // As above.
            }
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<ObjectKey, TaskCompletionSource<ServiceAccountIdentity?>>(key, flight));
            flight.TrySetResult(_cache.Find(key.Namespace, key.Name));
        }
    }

    /// <summary>A token for one GET: at once within the burst, else in turn; false when the queue is full.</summary>
    private async ValueTask<bool> TakeTokenAsync(CancellationToken cancellationToken)
    {
        if (_tokens.Wait(0, CancellationToken.None))
        {
            return true;
        }

        if (Interlocked.Increment(ref _queued) > QueueLimit)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }

        try
        {
            await _tokens.WaitAsync(cancellationToken);
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    private void Replenish()
    {
        try
        {
            if (_tokens.CurrentCount < Burst)
            {
                _tokens.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Full already, or stopping.
        }
    }

    private void OnCached(ObjectKey key)
    {
        if (!_inFlight.IsEmpty && _inFlight.TryGetValue(key, out var flight))
        {
            flight.TrySetResult(_cache.Find(key.Namespace, key.Name));
        }
    }

    [LoggerMessage(EventId = 3060, Level = LogLevel.Information,
        Message = "ServiceAccount {Namespace}/{Name} was not in the cache; the API returned it (cached: {Cached})")]
    private static partial void LogFetched(ILogger logger, string @namespace, string name, bool cached);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Warning,
        Message = "ServiceAccount {Namespace}/{Name} is not in the cache and the API says it does not exist")]
    private static partial void LogNotFound(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3062, Level = LogLevel.Warning,
        Message = "ServiceAccount {Namespace}/{Name} not found within {ElapsedMs} ms; admitting the pod without mutation")]
    private static partial void LogNotFoundInTime(ILogger logger, string @namespace, string name, double elapsedMs);

    [LoggerMessage(EventId = 3063, Level = LogLevel.Warning,
        Message = "GET of ServiceAccount {Namespace}/{Name} failed: {Error}; waiting for the watch")]
    private static partial void LogGetFailed(ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(EventId = 3064, Level = LogLevel.Warning,
        Message = "Too many ServiceAccount GETs waiting; not asking the API for {Namespace}/{Name}, waiting for the watch")]
    private static partial void LogRateLimited(ILogger logger, string @namespace, string name);
}
