using System.Runtime.InteropServices;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.Load;

/// <summary>
/// A real control plane (the E2E suite's etcd and kube-apiserver) for the shell scripts that
/// compare webhooks fed by the same API server: starts it, writes the admin kubeconfig's path
/// to <c>--kubeconfig-out</c> once it is ready, and stops it on SIGTERM or SIGINT.
/// The scripts load their ServiceAccounts with the kubectl next to the API server.
/// </summary>
internal static class ControlPlaneRun
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var kubeconfigOut = new Arguments(args).Text("kubeconfig-out");
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

        var plane = new ControlPlaneFixture();
        try
        {
            await plane.InitializeAsync();
            await File.WriteAllTextAsync(kubeconfigOut, plane.KubeconfigPath);
            Console.WriteLine($"control plane ready in {plane.StartupTime.TotalSeconds:F1} s at {plane.Server}; kubeconfig {plane.KubeconfigPath}");
            await stop.Task;
        }
        finally
        {
            await plane.DisposeAsync();
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}
