using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace PodIdentityWebhook.Telemetry;

/// <summary>
/// Process and runtime metrics as observable instruments, read only when scraped. Names
/// follow the Prometheus client conventions (<c>process_*</c>, as Go's process collector
/// writes them) so the usual dashboards and alerts apply; <c>dotnet_*</c> for the runtime.
/// </summary>
internal static class RuntimeInstruments
{
    private static readonly double StartTimeSeconds = ReadStartTime();

    public static void Register(Meter meter)
    {
        meter.CreateObservableCounter("process_cpu_seconds_total",
            () => Environment.CpuUsage.TotalTime.TotalSeconds, description: "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge("process_resident_memory_bytes",
            () => Environment.WorkingSet, description: "Resident memory size in bytes.");
        meter.CreateObservableGauge("process_virtual_memory_bytes", VirtualMemory, description: "Virtual memory size in bytes.");
        meter.CreateObservableGauge("process_start_time_seconds",
            () => StartTimeSeconds, description: "Start time of the process since unix epoch in seconds.");
        meter.CreateObservableGauge("process_open_fds", OpenFileDescriptors, description: "Number of open file descriptors.");
        meter.CreateObservableGauge("process_max_fds", MaxFileDescriptors, description: "Maximum number of open file descriptors.");
        meter.CreateObservableGauge("process_threads", Threads, description: "Number of OS threads in the process.");

        meter.CreateObservableCounter("dotnet_gc_collections_total", GcCollections,
            description: "Garbage collections since the process started, by generation (a gen 1 or 2 collection counts in the lower generations too).");
        meter.CreateObservableGauge("dotnet_gc_heap_size_bytes",
            () => GC.GetGCMemoryInfo().HeapSizeBytes, description: "Managed heap size in bytes at the last garbage collection.");
        meter.CreateObservableGauge("dotnet_gc_memory_bytes",
            () => GC.GetTotalMemory(forceFullCollection: false), description: "Bytes currently thought to be allocated on the managed heap.");
        meter.CreateObservableCounter("dotnet_gc_allocated_bytes_total",
            () => GC.GetTotalAllocatedBytes(), description: "Bytes allocated on the managed heap since the process started.");
        meter.CreateObservableCounter("dotnet_gc_pause_seconds_total",
            () => GC.GetTotalPauseDuration().TotalSeconds, description: "Time the runtime paused for garbage collection, in seconds.");
        meter.CreateObservableGauge("dotnet_threadpool_threads",
            () => ThreadPool.ThreadCount, description: "Number of thread pool threads.");
        meter.CreateObservableGauge("dotnet_threadpool_queue_length",
            () => ThreadPool.PendingWorkItemCount, description: "Work items queued to the thread pool and not yet started.");
    }

    private static IEnumerable<Measurement<long>> GcCollections()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation),
                new KeyValuePair<string, object?>("generation", generation.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static long VirtualMemory()
    {
        using var process = Process.GetCurrentProcess();
        return process.VirtualMemorySize64;
    }

    private static double ReadStartTime()
    {
        using var process = Process.GetCurrentProcess();
        return (process.StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;
    }

    // Linux only, like Go's process collector: elsewhere the series is absent.
    private static IEnumerable<Measurement<long>> OpenFileDescriptors()
    {
        if (!OperatingSystem.IsLinux())
        {
            yield break;
        }

        long count = 0;
        foreach (var _ in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            count++;
        }

        yield return new Measurement<long>(count);
    }

    private static IEnumerable<Measurement<long>> MaxFileDescriptors()
    {
        if (ProcStatusValue("/proc/self/limits", "Max open files") is { } limit)
        {
            yield return new Measurement<long>(limit);
        }
    }

    private static IEnumerable<Measurement<long>> Threads()
    {
        if (ProcStatusValue("/proc/self/status", "Threads:") is { } threads)
        {
            yield return new Measurement<long>(threads);
        }
    }

    /// <summary>The first number after <paramref name="prefix"/> on the line that starts with it; null off Linux.</summary>
    private static long? ProcStatusValue(string path, string prefix)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = line[prefix.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : null;
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
