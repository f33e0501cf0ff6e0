using System.Globalization;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>Resident memory of a process, from /proc/PID/status (VmRSS), sampled over a run.</summary>
internal sealed class ProcessMemory(int processId)
{
    private readonly List<long> _samples = [];

    public long First => _samples.Count > 0 ? _samples[0] : 0;

    public long Peak => _samples.Count > 0 ? _samples.Max() : 0;

    public long Last => _samples.Count > 0 ? _samples[^1] : 0;

    /// <summary>
    /// Flat: the last sample is within 25% of the highest sample of the first quarter of the
    /// run (after warm-up: pools, JIT and caches have their working size by then).
    /// </summary>
    public bool IsFlat
    {
        get
        {
            if (_samples.Count < 4)
            {
                return true;
            }

            var warm = _samples.Take(Math.Max(2, _samples.Count / 4)).Max();
            return Last <= warm * 1.25;
        }
    }

    /// <summary>Reads VmRSS now; false when the process is gone.</summary>
    public bool Sample()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    _samples.Add(kilobytes * 1024);
                    return true;
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }

    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " MB";

    public override string ToString() =>
        $"start {Megabytes(First)}, peak {Megabytes(Peak)}, end {Megabytes(Last)}, {_samples.Count} samples: {(IsFlat ? "flat" : "GROWING")}";
}
