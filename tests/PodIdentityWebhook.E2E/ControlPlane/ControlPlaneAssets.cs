using System.Diagnostics;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// Finds kube-apiserver and etcd: $KUBEBUILDER_ASSETS (the envtest convention) when set, else
/// the folder scripts/control-plane.sh prints (it builds and caches them outside the repo).
/// Missing binaries fail the suite: these tests never skip.
/// </summary>
internal static class ControlPlaneAssets
{
    public static string Folder()
    {
        var folder = Environment.GetEnvironmentVariable("KUBEBUILDER_ASSETS");
        if (string.IsNullOrEmpty(folder))
        {
            folder = RunScript();
        }

        foreach (var binary in new[] { "kube-apiserver", "etcd" })
        {
            if (!File.Exists(Path.Combine(folder, binary)))
            {
                throw new InvalidOperationException(
                    $"{binary} not found in {folder}; run scripts/control-plane.sh or set KUBEBUILDER_ASSETS");
            }
        }

        return folder;
    }

    /// <summary>The minor version of the kube-apiserver in <paramref name="folder"/> ("Kubernetes v1.20.2" gives 20).</summary>
    public static int ApiServerMinorVersion(string folder)
    {
        using var process = Process.Start(new ProcessStartInfo(Path.Combine(folder, "kube-apiserver"), ["--version"])
        {
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("cannot run kube-apiserver --version");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = System.Text.RegularExpressions.Regex.Match(output, @"v1\.(\d+)\.");
        return match.Success
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"kube-apiserver --version printed no version: {output}");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PodIdentityWebhook.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PodIdentityWebhook.sln not found above " + AppContext.BaseDirectory);
    }

    private static string RunScript()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "control-plane.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        }) ?? throw new InvalidOperationException("cannot start " + script);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}");
        }

        return output.TrimEnd().Split('\n')[^1].Trim();
    }
}
