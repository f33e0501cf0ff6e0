using PodIdentityWebhook.Admission;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Gives memory back to the node after a burst. The GC grows the heap towards its limit under
/// load and keeps it once the load stops (nothing allocates, so nothing collects), and glibc's
/// malloc keeps what OpenSSL freed when thousands of TLS connections closed. When the process
/// has grown well past its resting size and no review has held memory since the last look, one
/// aggressive, compacting collection and a malloc_trim return the free memory to the system;
/// at most once per <see cref="MinInterval"/>, so a steady load never pays for it. The first
/// look, and each of those collections, also drops the pages of the binary's code and
/// read-only data that start-up (or the burst) touched (<see cref="MappedFiles"/>).
/// </summary>
/// <remarks>
/// The native heap alone is trimmed at every look, load or not: with clients' TLS connections
/// coming and going, what OpenSSL freed stayed in glibc's per-thread arenas, and resident memory
/// crept about 0.5 MB per 10 s round of the load script (38 to 43 MB over six rounds). Trimmed
/// every <see cref="CheckInterval"/> it held at 38 MB with the same requests/s (docs/performance.md, Native
/// AOT); a trim of a heap this size takes well under a millisecond.
/// </remarks>
internal sealed partial class MemoryReturner(ReviewMemoryBudget budget, ILogger<MemoryReturner> logger, TimeProvider time) : BackgroundService
{
    /// <summary>How often the heap is looked at.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Collections are at least this far apart.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Growth of resident memory over its resting size that is worth a collection. The Native AOT
    /// build starts at about 27 MB (24 MB once the first look gave back start-up's pages) and
    /// holds 30-33 MB under steady load (docs/performance.md, Native AOT), so steady load never
    /// collects, while what a burst leaves behind (20-30 MB) is given back.
    /// </summary>
    public const long GrowthBytes = 16 * 1024 * 1024;

    private long _restingBytes;
    private long _lastCollection = long.MinValue;
    private bool _startupReleased;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _restingBytes = Environment.WorkingSet;
        using var timer = new PeriodicTimer(CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal bool Check()
    {
        NativeHeap.Trim();
        if (!_startupReleased)
        {
            _startupReleased = true;
            MappedFiles.ReleaseReadOnly();
        }

        var resident = Environment.WorkingSet;
        var quiet = budget.TakePeak() == 0;
        var due = _lastCollection == long.MinValue || time.GetElapsedTime(_lastCollection) >= MinInterval;
        if (!quiet || !due || resident < _restingBytes + GrowthBytes)
        {
            return false;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        MappedFiles.ReleaseReadOnly();
        _lastCollection = time.GetTimestamp();
        var after = Environment.WorkingSet;
        _restingBytes = Math.Max(after, _restingBytes);
        LogReturned(logger, resident / (1024 * 1024), after / (1024 * 1024));
        return true;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information,
        Message = "Load has stopped: returned memory to the system, resident {BeforeMb} MB -> {AfterMb} MB")]
    private static partial void LogReturned(ILogger logger, long beforeMb, long afterMb);
}
