using System.Globalization;
using System.Runtime.InteropServices;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Gives back the pages of the program's own read-only mappings (its code and read-only data)
/// that start-up touched and steady work does not. The kernel maps a file's cached pages up to
/// 64 KB around each one touched, so start-up leaves megabytes of the binary resident that no
/// review reads again: under steady load about 8 of its 15 resident megabytes went unreferenced
/// (docs/performance.md). Dropping the pages of a read-only file mapping is always safe: the
/// next touch maps them again from the file, as after any reclaim by the kernel.
/// </summary>
/// <remarks>
/// Only the executable's own mappings: the kernel mapped them at exec and nothing changes them
/// after, while a library's mapping can be mid-relocation in a concurrent <c>dlopen</c>. A
/// mapping that holds any private copy (relocations made read-only after load) is left alone,
/// since dropping it would lose the copy. Linux only; elsewhere, or when /proc is not readable,
/// nothing happens.
/// </remarks>
internal static partial class MappedFiles
{
    private const int MadviseDontNeed = 4;
    private static bool _unavailable = !OperatingSystem.IsLinux();

    private static long _releases;

    /// <summary>How many times pages were released in this process.</summary>
    public static long Releases => Interlocked.Read(ref _releases);

    /// <summary>Drops the resident pages of the executable's read-only mappings; returns how many bytes of mappings were advised.</summary>
    public static long ReleaseReadOnly() => Environment.ProcessPath is { } program ? ReleaseReadOnly(program) : 0;

    /// <summary>The same for the file at <paramref name="path"/>, which must be mapped for good (never one being loaded).</summary>
    internal static long ReleaseReadOnly(string path)
    {
        if (_unavailable)
        {
            return 0;
        }

        try
        {
            long released = 0;
            foreach (var (start, length) in ReadOnlyMappings(File.ReadLines("/proc/self/smaps"), path))
            {
                if (Madvise((nint)start, (nuint)length, MadviseDontNeed) == 0)
                {
                    released += (long)length;
                }
            }

            Interlocked.Increment(ref _releases);
            return released;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
            return 0;
        }
    }

    /// <summary>
    /// From the text of /proc/self/smaps: the private read-only mappings of <paramref name="path"/>
    /// that hold no anonymous (copied) page.
    /// </summary>
    internal static IEnumerable<(ulong Start, ulong Length)> ReadOnlyMappings(IEnumerable<string> smaps, string path)
    {
        (ulong Start, ulong Length)? candidate = null;
        foreach (var line in smaps)
        {
            if (TryParseHeader(line, out var start, out var end, out var permissions, out var mapped))
            {
                candidate = permissions is "r--p" or "r-xp" && mapped == path ? (start, end - start) : null;
            }
            else if (candidate is { } mapping && line.StartsWith("Anonymous:", StringComparison.Ordinal))
            {
                candidate = null;
                if (long.TryParse(line.AsSpan("Anonymous:".Length).TrimStart().TrimEnd(" kB"), NumberStyles.None, CultureInfo.InvariantCulture, out var anonymous)
                    && anonymous == 0)
                {
                    yield return mapping;
                }
            }
        }
    }

    // "00405000-00e86000 r-xp 00005000 fe:00 11681816    /path": range, permissions, offset,
    // device, inode, path. Field lines ("Rss:   20 kB") have no range.
    private static bool TryParseHeader(string line, out ulong start, out ulong end, out string permissions, out string path)
    {
        (start, end, permissions, path) = (0, 0, "", "");
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var dash = fields.Length >= 5 ? fields[0].IndexOf('-') : -1;
        if (dash <= 0
            || !ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start)
            || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out end))
        {
            return false;
        }

        permissions = fields[1];
        path = fields.Length > 5 ? fields[5].Trim() : "";
        return true;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
