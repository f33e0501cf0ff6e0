using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// What the STS tests need from outside: the node cluster's facts (scripts/cluster.sh env:
/// its issuer, CA, node IP, kubectl), real ServiceAccount tokens from its TokenRequest API,
/// and the AWS SDK test client published as it ships in its image (Native AOT). The client
/// is E2E_AWS_CLIENT_BINARY when set (a publish made beforehand), else published here once
/// into a temporary folder.
/// </summary>
public sealed class StsClusterFixture : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("piw-sts-").FullName;
    private Dictionary<string, string> _env = [];

    public string Issuer => _env["CLUSTER_ISSUER"];

    public string NodeIp => _env["CLUSTER_NODE_IP"];

    public string CaPem { get; private set; } = "";

    public string ClientBinary { get; private set; } = "";

    /// <summary>A scratch folder for token and CA files, removed with the fixture.</summary>
    public string Folder => _folder;

    public async Task InitializeAsync()
    {
        if (NodeClusterFactAttribute.Skipped)
        {
            // The tests are skipped (NodeClusterFact): nothing to prepare.
            return;
        }

        _env = await ClusterFacts.ReadAsync();
        CaPem = await File.ReadAllTextAsync(_env["CLUSTER_CA"]);

        ClientBinary = Environment.GetEnvironmentVariable("E2E_AWS_CLIENT_BINARY") is { Length: > 0 } given
            ? given
            : await PublishClientAsync();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A real token of default/default from the cluster's TokenRequest API.</summary>
    public async Task<string> TokenAsync(string audience) =>
        (await Tool.RunCheckedAsync(_env["CLUSTER_KUBECTL"],
            ["--kubeconfig", _env["CLUSTER_KUBECONFIG"], "-n", "default", "create", "token", "default", "--audience", audience, "--duration", "10m"])).Trim();

    /// <summary>A file of its own under the fixture's folder with this text in it.</summary>
    public async Task<string> WriteFileAsync(string text)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    /// <summary>
    /// Runs the client as a workload runs: an environment of exactly the given variables (no
    /// AWS profile, no instance metadata), so what it gets comes from them alone.
    /// </summary>
    internal async Task<AwsClientRun> RunClientAsync(IReadOnlyDictionary<string, string> variables)
    {
        var home = Directory.CreateDirectory(Path.Combine(_folder, "home")).FullName;
        IEnumerable<string> args =
        [
            "-i", "PATH=/usr/bin:/bin", $"HOME={home}", "AWS_EC2_METADATA_DISABLED=true",
            .. variables.Select(pair => $"{pair.Key}={pair.Value}"),
            ClientBinary, "caller-identity",
        ];
        var (exit, stdout, stderr) = await Tool.RunAsync("env", args, timeout: TimeSpan.FromMinutes(2));
        return new AwsClientRun(exit, stdout.Trim(), stderr.Trim());
    }

    private async Task<string> PublishClientAsync()
    {
        var output = Path.Combine(_folder, "aws-client");
        await Tool.RunCheckedAsync("bash", ["scripts/publish-aws-client.sh", output], timeout: TimeSpan.FromMinutes(10));
        return Path.Combine(output, "PodIdentityWebhook.AwsClient");
    }
}
