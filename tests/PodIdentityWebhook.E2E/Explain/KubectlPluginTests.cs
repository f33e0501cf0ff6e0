using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Webhook;

namespace PodIdentityWebhook.E2E.Explain;

/// <summary>
/// <c>kubectl pod-identity explain</c>: the real kubectl finds the product as the plugin
/// <c>kubectl-pod_identity</c> on PATH (the link scripts/publish.sh writes) and runs explain.
/// </summary>
public sealed class KubectlPluginTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("piw-plugin-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Kubectl_runs_explain_through_the_plugin_name()
    {
        var product = RunningWebhook.Product;
        var plugin = Path.Combine(_folder, "kubectl-pod_identity");
        var published = Path.Combine(Path.GetDirectoryName(product)!, "kubectl-pod_identity");
        if (File.Exists(published))
        {
            // What publish.sh ships: the link next to the binary, used as it is.
            File.CreateSymbolicLink(plugin, published);
        }
        else
        {
            var (program, prefix) = RunningWebhook.Command(product);
            await File.WriteAllTextAsync(plugin, $"#!/bin/sh\nexec {program} {string.Join(' ', prefix)} \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var pod = Path.Combine(ControlPlaneAssets.RepositoryRoot(), "examples", "pod.yaml");
        var accounts = Path.Combine(ControlPlaneAssets.RepositoryRoot(), "examples", "service-accounts.yaml");
        // kubectl finds the plugin on PATH.
        var path = new Dictionary<string, string> { ["PATH"] = _folder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") };
        var (exitCode, stdout, stderr) = await Tool.RunAsync(
            Path.Combine(ControlPlaneAssets.Folder(), "kubectl"), ["pod-identity", "explain", "--pod", pod, "--service-accounts-file", accounts], environment: path);
        var output = stdout + stderr;

        Assert.True(exitCode == 0, output);
        Assert.Contains("Pod default/reader (Pod, ", output, StringComparison.Ordinal);
        Assert.Contains("Summary: credentials injected", output, StringComparison.Ordinal);
        // The same words begin "credentials injected, will not work" (exit 4); the example pod's credentials work.
        Assert.DoesNotContain("will not work", output, StringComparison.Ordinal);
    }
}
