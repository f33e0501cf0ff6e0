
namespace PodIdentityWebhook.Files;

/// <summary>
/// Follows one file and hands its bytes to a callback whenever they change (null when the
/// file is missing). A directory watcher gives prompt notice; a poll of the resolved path,
/// size and write time is the fallback, because watchers miss the symlink swap a mounted
/// ConfigMap or Secret does (<c>..data</c> re-pointed to a new <c>..timestamp</c> directory)
/// and do not work on every file system. The callback runs on one background loop, never
/// concurrently with itself.
/// </summary>
/// <remarks>
/// A change is read only once the file has stopped changing for <see cref="DefaultSettleTime"/>
/// (same resolved path, size and write time over that span): a shell's <c>&gt;</c> truncates
/// before it writes, and a writer may flush a file in pieces, so an empty or half-written file
/// seen mid-write never replaces good data. Writers that pause longer mid-file defeat this;
/// writing a temporary file and renaming it over the old one (what kubelet's volume swap
/// and most editors do) never shows a partial file at all.
/// </remarks>
internal sealed partial class WatchedFile : IDisposable
{
    /// <summary>Default poll interval of the fallback.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(2);

    /// <summary>How long a changed file must stay unchanged before it is read.</summary>
    public static readonly TimeSpan DefaultSettleTime = TimeSpan.FromSeconds(1);

    /// <summary>A file that never stops changing is read anyway after this many settle periods.</summary>
    private const int MaxSettlePeriods = 10;

    private readonly string _path;
    private readonly string _directory;
    private readonly Action<byte[]?> _onChange;
    private readonly ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly bool _watchDirectory;
    private readonly TimeSpan _settleTime;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private FileStamp? _lastStamp;
    private byte[]? _lastContent;
    private Task? _loop;
    private volatile bool _reload;

    /// <param name="path">The file; it may be a symlink, and may not exist yet.</param>
    /// <param name="onChange">Receives the new bytes, or null when the file is gone.</param>
    /// <param name="pollInterval">Fallback poll interval; <see cref="DefaultPollInterval"/> when null.</param>
    /// <param name="watchDirectory">False relies on polling alone (tests of the fallback).</param>
    /// <param name="settleTime">How long a change must rest before it is read; <see cref="DefaultSettleTime"/> when null.</param>
    /// <param name="time">The clock the settle time is waited on; <see cref="TimeProvider.System"/> when null.</param>
    public WatchedFile(
        string path,
        Action<byte[]?> onChange,
        ILogger logger,
        TimeSpan? pollInterval = null,
        bool watchDirectory = true,
        TimeSpan? settleTime = null,
        TimeProvider? time = null)
    {
        _settleTime = settleTime ?? DefaultSettleTime;
        _time = time ?? TimeProvider.System;
        _path = Path.GetFullPath(path);
        _directory = Path.GetDirectoryName(_path) ?? _path;
        _onChange = onChange;
        _logger = logger;
        _pollInterval = pollInterval ?? DefaultPollInterval;
        _watchDirectory = watchDirectory;
    }

    public string FullPath => _path;

    /// <summary>
    /// Reads the file and calls the callback on the calling thread, so the caller can refuse
    /// to start on what it gets (the exception propagates and nothing is watched); then
    /// follows changes in the background.
    /// </summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        var stamp = FileStamp.Of(_path);
        var content = ReadOrNull();
        _onChange(content);
        _lastStamp = stamp;
        _lastContent = content;
        TryStartWatcher();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>
    /// Reads the file again on the background loop and hands it to the callback even when
    /// it is unchanged (<c>/debug/alpha/cache/clear</c>).
    /// </summary>
    public void Reload()
    {
        _reload = true;
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A check is already pending; it sees the flag.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _watcher?.Dispose();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop logs its own failures; disposal must not throw.
        }

        _stop.Dispose();
        _changed.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var notified = await _changed.WaitAsync(_pollInterval, cancellationToken);
                TryStartWatcher();
                var reload = _reload;
                _reload = false;
                await CheckAsync(force: notified || reload, reload, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCheckFailed(_logger, _path, ex);
            }
        }
    }

    private async Task CheckAsync(bool force, bool reload, CancellationToken cancellationToken)
    {
        var stamp = FileStamp.Of(_path);
        if (!force && stamp == _lastStamp)
        {
            return;
        }

        stamp = await SettledStampAsync(stamp, cancellationToken);
        byte[]? content;
        try
        {
            content = ReadOrNull();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Leave the stamp alone so the next poll tries again.
            LogReadFailed(_logger, _path, ex);
            return;
        }

        if (FileStamp.Of(_path) != stamp)
        {
            // Changed while it was read: the next round reads it again once it rests.
            Signal();
            return;
        }

        _lastStamp = stamp;
        if (!reload && SameContent(content, _lastContent))
        {
            return;
        }

        _lastContent = content;
        _onChange(content);
    }

    /// <summary>Waits until the file's stamp holds still for the settle time; returns that stamp.</summary>
    private async Task<FileStamp?> SettledStampAsync(FileStamp? stamp, CancellationToken cancellationToken)
    {
        for (var period = 0; period < MaxSettlePeriods; period++)
        {
            await Task.Delay(_settleTime, _time, cancellationToken);
            var again = FileStamp.Of(_path);
            if (again == stamp)
            {
                return stamp;
            }

            stamp = again;
        }

        return stamp;
    }

    private byte[]? ReadOrNull()
    {
        try
        {
            return File.ReadAllBytes(_path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static bool SameContent(byte[]? a, byte[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private void TryStartWatcher()
    {
        if (!_watchDirectory || _watcher is not null || !Directory.Exists(_directory))
        {
            return;
        }

        try
        {
            // The whole directory, not just the file: a symlink swap renames ..data, and an
            // editor or kubectl cp replaces the file by renaming a temporary one over it.
            var watcher = new FileSystemWatcher(_directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                    | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += (_, _) => Signal();
            watcher.Created += (_, _) => Signal();
            watcher.Deleted += (_, _) => Signal();
            watcher.Renamed += (_, _) => Signal();
            watcher.Error += (_, e) =>
            {
                LogWatcherFailed(_logger, _directory, e.GetException());
                Signal();
            };
            watcher.EnableRaisingEvents = true;
            if (_stop.IsCancellationRequested)
            {
                // Dispose ran while this was being set up; do not leak the watcher.
                watcher.Dispose();
                return;
            }

            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Polling still covers it (inotify limits, unsupported file systems).
            LogWatcherFailed(_logger, _directory, ex);
        }
    }

    private void Signal()
    {
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one check covers both events.
        }
        catch (ObjectDisposedException)
        {
            // An event raced with Dispose.
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Could not read {Path}; will retry")]
    private static partial void LogReadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Watching directory {Directory} failed; relying on polling")]
    private static partial void LogWatcherFailed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Checking {Path} for changes failed")]
    private static partial void LogCheckFailed(ILogger logger, string path, Exception exception);
}
