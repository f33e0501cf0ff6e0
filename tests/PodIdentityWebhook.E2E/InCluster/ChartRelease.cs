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
    public async Task<string> InstallAsync(params string[] settings)
    {
        var said = await HelmAsync(["install", Name, Chart, "--wait", "--timeout", "3m", .. Values(settings)]);
        await WaitUntilServedAsync();
        return said;
    }

    public async Task<string> UpgradeAsync(params string[] settings)
    {
        var said = await HelmAsync(["upgrade", Name, Chart, "--wait", "--timeout", "3m", .. Values(settings)]);
        await WaitUntilServedAsync();
        return said;
    }

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

    /// <summary>
    /// <c>helm install --wait</c> returns when the replicas are ready, which can be a moment
    /// before kube-proxy routes the Service to them: a pod created in that moment is admitted
    /// unmutated (Ignore) or refused (Fail), as it would be in any cluster. So, as an operator
    /// would check with <c>helm test</c>, wait until a dry-run pod of an annotated
    /// ServiceAccount in a served namespace comes back injected.
    /// </summary>
    private async Task WaitUntilServedAsync()
    {
        if (_served.Count == 0)
        {
            return;
        }

        var ns = _served[0].Name;
        await _cluster.KubectlWithInputAsync($$"""
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: served-probe
              namespace: {{ns}}
              annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/served-probe"}
            """, "apply", "-f", "-");
        var pod = $$$"""
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "served-probe-", "namespace": "{{{ns}}}"},
             "spec": {"serviceAccountName": "served-probe", "containers": [{"name": "probe", "image": "probe"}]}}
            """;
        await Poll.UntilAsync(
            async () =>
            {
                var (exit, stdout, _) = await _cluster.TryKubectlWithInputAsync(pod, "create", "--dry-run=server", "-f", "-", "-o", "json");
                return exit == 0 && stdout.Contains("AWS_ROLE_ARN", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(60), $"release {Name} to mutate pods in {ns}");
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
