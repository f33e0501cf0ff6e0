using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// The chart installed by real helm (scripts/helm.sh, major 3 or 4) into the node cluster: the
/// image under test, and a namespaceSelector on a label of this release only, so the webhook
/// serves the namespaces a test labels (<see cref="ServedNamespaceAsync"/>) and never another
/// test's pods. Disposing it uninstalls the release and deletes its namespaces.
/// </summary>
internal sealed class ChartRelease : IAsyncDisposable
{
    public const string Chart = "charts/pod-identity-webhook";
    private const string ServedLabel = "pod-identity-webhook.test/served-by";

    private readonly NodeCluster _cluster;
    private readonly TestNamespace _namespace;
    private readonly List<TestNamespace> _served = [];

    private ChartRelease(NodeCluster cluster, int helmMajor, TestNamespace ns, string name)
    {
        _cluster = cluster;
        HelmMajor = helmMajor;
        _namespace = ns;
        Name = name;
    }

    public int HelmMajor { get; }

    public string Name { get; }

    public string Namespace => _namespace.Name;

    /// <summary>The chart's full name: the Deployment, Service and MutatingWebhookConfiguration.</summary>
    public string FullName => $"{Name}-pod-identity-webhook";

    /// <summary>
    /// A release named after <paramref name="prefix"/> in a namespace of its own; nothing is
    /// installed until <see cref="InstallAsync"/>.
    /// </summary>
    public static async Task<ChartRelease> CreateAsync(NodeCluster cluster, int helmMajor, string prefix)
    {
        var ns = await cluster.CreateNamespaceAsync(prefix);
        return new ChartRelease(cluster, helmMajor, ns, $"{prefix}{helmMajor}");
    }

    /// <summary>
    /// <c>helm install --wait</c> with the image under test and <paramref name="settings"/>
    /// (<c>--set</c> pairs): done only when every replica passes /readyz.
    /// </summary>
    public Task<string> InstallAsync(params string[] settings) => HelmAsync(["install", Name, Chart, "--wait", "--timeout", "3m", .. Values(settings)]);

    public Task<string> UpgradeAsync(params string[] settings) => HelmAsync(["upgrade", Name, Chart, "--wait", "--timeout", "3m", .. Values(settings)]);

    public Task<(int ExitCode, string Stdout, string Stderr)> TestAsync() =>
        Tool.RunAsync("bash", ["scripts/helm.sh", "test", Name, "--namespace", Namespace, "--kubeconfig", _cluster.KubeconfigPath, "--timeout", "2m"], environment: HelmEnvironment());

    public Task<string> UninstallAsync() => HelmAsync(["uninstall", Name, "--wait", "--timeout", "2m"]);

    /// <summary>A namespace this release's webhook serves (and helm test's dry run uses).</summary>
    public async Task<TestNamespace> ServedNamespaceAsync(string prefix)
    {
        var ns = await _cluster.CreateNamespaceAsync(prefix);
        await _cluster.KubectlAsync("label", "namespace", ns.Name, $"{ServedLabel}={Name}");
        _served.Add(ns);
        return ns;
    }

    public async ValueTask DisposeAsync()
    {
        await Tool.RunAsync("bash", ["scripts/helm.sh", "uninstall", Name, "--namespace", Namespace, "--kubeconfig", _cluster.KubeconfigPath], environment: HelmEnvironment());
        foreach (var ns in _served)
        {
            await ns.DisposeAsync();
        }

        await _namespace.DisposeAsync();
    }

    private string[] Values(string[] settings) =>
    [
        "--set", $"image.repository={NodeCluster.WebhookImage.Split(':')[0]}",
        "--set", $"image.tag={NodeCluster.WebhookImage.Split(':')[1]}",
        "--set", "image.pullPolicy=Never",
        "--set-json", $$$"""mutatingWebhook.namespaceSelector={"matchLabels":{"{{{ServedLabel}}}":"{{{Name}}}"}}""",
        .. settings.SelectMany(s => new[] { "--set", s }),
    ];

    private Task<string> HelmAsync(string[] args) =>
        Tool.RunCheckedAsync("bash", ["scripts/helm.sh", .. args, "--namespace", Namespace, "--kubeconfig", _cluster.KubeconfigPath], environment: HelmEnvironment(), timeout: TimeSpan.FromMinutes(4));

    private Dictionary<string, string> HelmEnvironment() => new(StringComparer.Ordinal) { ["HELM_MAJOR"] = HelmMajor.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
