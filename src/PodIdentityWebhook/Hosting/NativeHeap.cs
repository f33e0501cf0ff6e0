using System.Runtime.InteropServices;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// glibc's malloc keeps memory freed by native code (OpenSSL's per-connection TLS buffers) in
/// its arenas rather than giving it back; <c>malloc_trim</c> returns what is free. Elsewhere
/// (musl, Windows) it is a no-op.
/// </summary>
internal static partial class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();
    private static long _trims;

    /// <summary>How many times the heap has been trimmed in this process.</summary>
    public static long Trims => Interlocked.Read(ref _trims);

    public static void Trim()
    {
        if (_unavailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
            Interlocked.Increment(ref _trims);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
