using System.Runtime;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// No garbage collection until the webhook is first ready. Its 2 MiB gen0 (chosen for resident
/// memory under load, <c>NativeAotRuntime.props</c>) is far smaller than what a start allocates:
/// about 9 MB to build the host and 10 MB more for 1,000 ServiceAccounts, so a start ran eight
/// or more collections, each promoting the half-built caches, a quarter of its CPU. The start
/// runs in a no-GC region instead; once ready, one compacting collection leaves the heap as
/// small as the collections would have, and hands the rest back to the system. A start that
/// allocates more than the region (a very large cluster) leaves it at that point and collects
/// as usual from there.
/// </summary>
internal static class StartupHeap
{
    /// <summary>The most a start may allocate before collections resume.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>A region smaller than this is not worth opening.</summary>
    public const long MinBytes = 16L * 1024 * 1024;

    /// <summary>The longest a start keeps collections off, ready or not.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(30);

    private static int _state; // 0 never begun, 1 in the region, 2 ended

    /// <summary>True from <see cref="Begin"/> (when the GC granted the region) until <see cref="End"/>.</summary>
    public static bool IsOpen => Volatile.Read(ref _state) == 1;

    /// <summary>
    /// The region for a heap of <paramref name="availableBytes"/> (its hard limit in a container):
    /// a quarter of it, at most <see cref="MaxBytes"/>; 0 (no region) below <see cref="MinBytes"/>.
    /// A region is memory the GC must be able to hand out whole, so under a tight limit a large
    /// one would take what the reviews need.
    /// </summary>
    public static long RegionBytes(long availableBytes)
    {
        var bytes = Math.Min(MaxBytes, availableBytes / 4);
        return bytes < MinBytes ? 0 : bytes;
    }

    /// <summary>Enters the region; false where the heap is too small for one or the GC refuses it.</summary>
    public static bool Begin()
    {
        var bytes = RegionBytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        if (bytes == 0)
        {
            return false;
        }

        try
        {
            if (GC.TryStartNoGCRegion(bytes))
            {
                Interlocked.Exchange(ref _state, 1);
                return true;
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // A heap hard limit smaller than the region, or a region already open.
        }

        return false;
    }

    /// <summary>
    /// Ends the region (if the start has not outgrown it already) and compacts the heap, once;
    /// true if this call did it.
    /// </summary>
    public static bool End()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return false;
        }

        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                // The start allocated past the region: a collection has ended it already.
            }
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return true;
    }
}

/// <summary>Ends the <see cref="StartupHeap"/> region when the webhook is first ready.</summary>
internal sealed class StartupHeapRelease(Readiness readiness, TimeProvider time) : BackgroundService
{
    /// <summary>How often readiness is looked at during the start.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!StartupHeap.IsOpen)
        {
            // In-process hosts (tests) and a GC that refused the region.
            return;
        }

        var started = time.GetTimestamp();
        try
        {
            while (readiness.NotReadyReason() is not null && time.GetElapsedTime(started) < StartupHeap.MaxDuration)
            {
                await Task.Delay(Poll, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        StartupHeap.End();
    }
}
