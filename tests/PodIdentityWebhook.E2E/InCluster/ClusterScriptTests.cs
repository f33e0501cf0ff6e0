using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// scripts/cluster.sh on a machine that lacks what the node needs: it refuses before it
/// starts anything, naming each missing tool and the Debian packages that bring them.
/// </summary>
public sealed class ClusterScriptTests
{
    [Fact]
    public async Task Up_without_containerd_and_runc_names_them_and_starts_nothing()
    {
        var bin = Directory.CreateTempSubdirectory("piw-path-").FullName;
        try
        {
            // Every command of this machine but the two the test takes away.
            foreach (var folder in new[] { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Where(Directory.Exists))
            {
                foreach (var file in Directory.EnumerateFiles(folder))
                {
                    var name = Path.GetFileName(file);
                    if (name is not ("containerd" or "runc") && !File.Exists(Path.Combine(bin, name)))
                    {
                        File.CreateSymbolicLink(Path.Combine(bin, name), file);
                    }
                }
            }

            var (exit, stdout, stderr) = await Tool.RunAsync("/bin/bash", ["scripts/cluster.sh", "up"],
                environment: new Dictionary<string, string> { ["PATH"] = bin, ["CLUSTER_STATE"] = Path.Combine(bin, "state") });

            Assert.Equal(1, exit);
            Assert.Contains("missing: containerd runc", stderr, StringComparison.Ordinal);
            Assert.Contains("apt-get install containerd runc", stderr, StringComparison.Ordinal);
            Assert.Empty(stdout);
            Assert.False(Directory.Exists(Path.Combine(bin, "state")));
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_command_prints_the_usage()
    {
        var (exit, _, stderr) = await Tool.RunAsync("bash", ["scripts/cluster.sh", "start"]);

        Assert.Equal(2, exit);
        Assert.Contains("scripts/cluster.sh up", stderr, StringComparison.Ordinal);
        Assert.Contains("scripts/cluster.sh down", stderr, StringComparison.Ordinal);
    }
}
