using System.ComponentModel;
using System.Runtime.InteropServices;

namespace PodIdentityWebhook.Tests.Identity;

/// <summary>
/// rename(2), for swapping a directory symlink the way kubelet does. File.Move refuses a
/// link that points at a directory, and Directory.Move will not replace an existing name.
/// </summary>
internal static class Posix
{
    public static void Rename(string from, string to)
    {
        if (NativeRename(from, to) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"rename({from}, {to}) failed");
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int NativeRename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);
}
