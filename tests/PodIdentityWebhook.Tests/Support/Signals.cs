using System.ComponentModel;
using System.Runtime.InteropServices;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>kill(2) with SIGTERM, as kubelet stops a container; Process.Kill only sends SIGKILL.</summary>
internal static class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int processId)
    {
        if (NativeKill(processId, SigTerm) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, SIGTERM) failed");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);
}
