using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// The real single-node cluster of scripts/cluster.sh (a kubelet on containerd that runs
/// pods, kube-proxy, a ServiceAccount issuer), which scripts/test.sh brings up, and the
/// images these tests run on it: the webhook's, built from the repository's Dockerfile by
/// scripts/image.sh from the binary the suite tests (E2E_WEBHOOK_BINARY), a busybox toolbox
/// for looking inside pods, and the AWS SDK test client (E2E_AWS_CLIENT_BINARY when set,
/// else published by scripts/image.sh). A cluster that is not up fails the suite: these tests
/// never skip.
/// </summary>
public sealed class NodeCluster : IAsyncLifetime
{
    public const string WebhookImage = "localhost/pod-identity-webhook:dev";
    public const string ToolboxImage = "localhost/pod-identity-webhook/toolbox:test";
    public const string AwsClientImage = "localhost/pod-identity-webhook/aws-client:test";

    private readonly string _folder = Directory.CreateTempSubdirectory("piw-node-cluster-").FullName;
    private Dictionary<string, string> _env = [];

    public string KubeconfigPath => _env["CLUSTER_KUBECONFIG"];

    /// <summary>The ServiceAccount issuer: an https URL that serves OIDC discovery and JWKS to anyone.</summary>
    public string Issuer => _env["CLUSTER_ISSUER"];

    /// <summary>The CA that signs the API server's certificate (and so the issuer's).</summary>
    public string CaFile => _env["CLUSTER_CA"];

    public string NodeName => _env["CLUSTER_NODE_NAME"];

    /// <summary>The node's address: pods reach a server of the test process listening there.</summary>
    public string NodeIp => _env["CLUSTER_NODE_IP"];

    private string KubectlPath => _env["CLUSTER_KUBECTL"];

    public async Task InitializeAsync()
    {
        if (NodeClusterFactAttribute.Skipped)
        {
            // Every test is skipped: nothing to prepare.
            return;
        }

        _env = await ClusterFacts.ReadAsync();

        var binary = Environment.GetEnvironmentVariable("E2E_WEBHOOK_BINARY")
            ?? throw new InvalidOperationException("E2E_WEBHOOK_BINARY is not set: the image is built from the binary under test (scripts/test.sh sets it)");
        var webhookArchive = Path.Combine(_folder, "webhook.tar");
        var toolboxArchive = Path.Combine(_folder, "toolbox.tar");
        await Tool.RunCheckedAsync("env", [$"IMAGE_PUBLISH_DIR={Path.GetDirectoryName(binary)}", "bash", "scripts/image.sh", "webhook", webhookArchive]);
        await Tool.RunCheckedAsync("bash", ["scripts/image.sh", "toolbox", toolboxArchive]);
        var awsClientArchive = Path.Combine(_folder, "aws-client.tar");
        var awsClient = Environment.GetEnvironmentVariable("E2E_AWS_CLIENT_BINARY") is { Length: > 0 } client
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["AWS_CLIENT_PUBLISH_DIR"] = Path.GetDirectoryName(client)! }
            : null;
        await Tool.RunCheckedAsync("bash", ["scripts/image.sh", "aws-client", awsClientArchive], environment: awsClient, timeout: TimeSpan.FromMinutes(10));
        await Tool.RunCheckedAsync("bash", ["scripts/cluster.sh", "import", webhookArchive, toolboxArchive, awsClientArchive]);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The real kubectl with the cluster's admin kubeconfig; a non-zero exit throws with what it said.</summary>
    public Task<string> KubectlAsync(params string[] args) => KubectlWithInputAsync(null, args);

    public Task<string> KubectlWithInputAsync(string? stdin, params string[] args) =>
        Tool.RunCheckedAsync(KubectlPath, ["--kubeconfig", KubeconfigPath, .. args], stdin);

    /// <summary>The same, returning the exit code and both streams for a command expected to fail.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> TryKubectlAsync(params string[] args) =>
        Tool.RunAsync(KubectlPath, ["--kubeconfig", KubeconfigPath, .. args]);

    /// <summary>The same with <paramref name="stdin"/> piped in.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> TryKubectlWithInputAsync(string stdin, params string[] args) =>
        Tool.RunAsync(KubectlPath, ["--kubeconfig", KubeconfigPath, .. args], stdin);

    public async Task<JsonNode> GetJsonAsync(params string[] args) =>
        JsonNode.Parse(await KubectlAsync([.. args, "-o", "json"]))!;

    /// <summary>A namespace of its own for a test, deleted (without waiting) when the returned scope ends.</summary>
    public async Task<TestNamespace> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await KubectlAsync("create", "namespace", name);
        // Pods may not be created before the namespace's default ServiceAccount exists.
        await Poll.UntilAsync(async () => (await TryKubectlAsync("-n", name, "get", "serviceaccount", "default")).ExitCode == 0,
            TimeSpan.FromSeconds(30), $"the default ServiceAccount of {name}");
        return new TestNamespace(this, name);
    }
}
