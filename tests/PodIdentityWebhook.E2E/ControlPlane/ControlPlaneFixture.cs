using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// A real control plane for the run: etcd and kube-apiserver on free loopback ports, with
/// certificates made here, a static admin token, and a kubeconfig the webhook and tests use.
/// Nothing runs pods (no kubelet, no controller-manager): what the API server stores is what
/// tests assert on. The API server can be stopped and started again on the same ports and etcd.
/// With <c>E2E_KUBECONFIG</c> set, an existing cluster stands in: nothing is started. With
/// <c>E2E_CLUSTER=k3s</c>, k3s in a Docker container does (<see cref="K3sCluster"/>; CI runs
/// this). In both, tests that must stop or duplicate the API server are skipped
/// (<see cref="ClusterSelection"/> decides).
/// </summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    internal const string AdminToken = "pod-identity-webhook-e2e-admin";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Directory.CreateTempSubdirectory("piw-control-plane-").FullName;
    private string _assets = "";
    private ManagedProcess? _etcd;
    private ManagedProcess? _apiServer;
    private int _etcdPort;
    private int? _minorVersion;
    private K3sCluster? _k3s;

    internal ControlPlanePki Pki { get; private set; } = null!;

    public Uri Server { get; private set; } = null!;

    /// <summary>A kubeconfig for an identity that may do anything, CA included.</summary>
    public string KubeconfigPath { get; private set; } = "";

    /// <summary>The CA that signs the API server's certificate; null when the system store is trusted.</summary>
    public string? ClusterCaPem { get; private set; }

    /// <summary>
    /// The address webhooks listen on and the API server calls: <c>E2E_WEBHOOK_HOST</c> when
    /// set, else the k3s container's gateway in k3s mode, else loopback.
    /// </summary>
    public IPAddress WebhookHost { get; private set; } = Webhook.RunningWebhook.ConfiguredHost() ?? IPAddress.Loopback;

    internal KubeRest Rest { get; private set; } = null!;

    /// <summary>How long the control plane took to become ready, for the test output.</summary>
    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        switch (ClusterSelection.Current)
        {
            case ClusterMode.ExistingCluster:
                await UseExistingClusterAsync(Environment.GetEnvironmentVariable(ClusterSelection.ExistingClusterVariable)!);
                StartupTime = clock.Elapsed;
                return;
            case ClusterMode.K3sContainer:
                _k3s = await K3sCluster.StartAsync(_folder);
                WebhookHost = Webhook.RunningWebhook.ConfiguredHost() ?? _k3s.Gateway;
                await UseExistingClusterAsync(_k3s.KubeconfigPath);
                await WaitForDefaultServiceAccountAsync();
                StartupTime = clock.Elapsed;
                return;
            case ClusterMode.OwnControlPlane:
                break;
        }

        _assets = ControlPlaneAssets.Folder();
        Pki = ControlPlanePki.Create(_folder);
        File.WriteAllText(Path.Combine(_folder, "tokens.csv"), $"{AdminToken},admin,admin-uid,\"system:masters\"\n");
        _etcdPort = FreePort();
        Server = new Uri($"https://127.0.0.1:{FreePort()}");
        ClusterCaPem = Pki.CaPem;
        KubeconfigPath = Path.Combine(_folder, "kubeconfig");
        WriteKubeconfig(KubeconfigPath, AdminToken);
        Rest = new KubeRest(Server, AdminToken, Pki.CaPem);

        var peerPort = FreePort();
        _etcd = ManagedProcess.Start(Path.Combine(_assets, "etcd"),
        [
            "--name", "e2e",
            "--data-dir", Path.Combine(_folder, "etcd"),
            "--listen-client-urls", $"http://127.0.0.1:{_etcdPort}",
            "--advertise-client-urls", $"http://127.0.0.1:{_etcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"e2e=http://127.0.0.1:{peerPort}",
            "--unsafe-no-fsync",
        ], Path.Combine(_folder, "etcd.log"));
        await StartApiServerAsync();
        StartupTime = clock.Elapsed;
    }

    private async Task UseExistingClusterAsync(string kubeconfig)
    {
        KubeconfigPath = Path.GetFullPath(kubeconfig);
        var configuration = PodIdentityWebhook.Kubernetes.KubernetesConnections.FromFlags(KubeconfigPath, "");
        Server = new Uri(configuration.Host);
        ClusterCaPem = configuration.SslCaCerts is { Count: > 0 } roots
            ? string.Concat(roots.Select(r => r.ExportCertificatePem() + "\n"))
            : null;
        Rest = KubeRest.FromKubeconfig(KubeconfigPath);
        var status = await Rest.GetStatusAsync("/api/v1/namespaces/default");
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{kubeconfig}: GET the default namespace answered {status}");
        }
    }

    /// <summary>A fresh k3s is ready before its controllers have made the default ServiceAccount.</summary>
    private async Task WaitForDefaultServiceAccountAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (await Rest.GetStatusAsync("/api/v1/namespaces/default/serviceaccounts/default") != HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"k3s made no default ServiceAccount within {StartTimeout.TotalSeconds} s");
            }

            await Task.Delay(500);
        }
    }

    public async Task StartApiServerAsync()
    {
        RequireOwnControlPlane();
        _apiServer = await StartApiServerProcessAsync(Server, Rest, "kube-apiserver.log", []);
    }

    /// <summary>
    /// A second API server on the same etcd, for making changes while the main one is down:
    /// what a client of the main server must catch up on when it returns.
    /// </summary>
    internal async Task<(ManagedProcess Process, KubeRest Client)> StartSecondApiServerAsync(params string[] extraFlags)
    {
        RequireOwnControlPlane();
        var server = new Uri($"https://127.0.0.1:{FreePort()}");
        var rest = new KubeRest(server, AdminToken, Pki.CaPem);
        return (await StartApiServerProcessAsync(server, rest, "kube-apiserver-2.log", extraFlags), rest);
    }

    private async Task<ManagedProcess> StartApiServerProcessAsync(Uri server, KubeRest rest, string logName, string[] extraFlags)
    {
        var process = ManagedProcess.Start(Path.Combine(_assets, "kube-apiserver"),
        [
            "--etcd-servers", $"http://127.0.0.1:{_etcdPort}",
            "--secure-port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind-address", "127.0.0.1",
            "--tls-cert-file", Pki.ServingCertFile,
            "--tls-private-key-file", Pki.ServingKeyFile,
            "--client-ca-file", Pki.CaFile,
            "--token-auth-file", Path.Combine(_folder, "tokens.csv"),
            "--authorization-mode", "RBAC",
            "--service-account-issuer", "https://kubernetes.default.svc",
            "--service-account-key-file", Pki.ServiceAccountPublicKeyFile,
            "--service-account-signing-key-file", Pki.ServiceAccountKeyFile,
            "--api-audiences", "https://kubernetes.default.svc",
            "--service-cluster-ip-range", "10.0.0.0/24",
            "--allow-privileged",
            .. VersionFlags(),
            .. extraFlags,
        ], Path.Combine(_folder, logName));
        await WaitUntilReadyAsync(process, rest);
        return process;
    }

    /// <summary>
    /// Flags only some versions take: before 1.22 bound service-account token volumes were a
    /// feature gate (the 1.20 Debian build); later versions refuse the retired gate.
    /// </summary>
    private string[] VersionFlags()
    {
        _minorVersion ??= ControlPlaneAssets.ApiServerMinorVersion(_assets);
        return _minorVersion < 22 ? ["--feature-gates", "BoundServiceAccountTokenVolume=true"] : [];
    }

    public async Task StopApiServerAsync()
    {
        RequireOwnControlPlane();
        if (_apiServer is not null)
        {
            await _apiServer.StopAsync();
            _apiServer.Dispose();
            _apiServer = null;
        }
    }

    /// <summary>
    /// A kubeconfig in <paramref name="folder"/> whose user is an exec credential plugin (a bash
    /// script printing an ExecCredential with the admin token); each call appends
    /// KUBERNETES_EXEC_INFO to the returned calls file.
    /// </summary>
    public (string Kubeconfig, string Calls) WriteExecPluginKubeconfig(string folder)
    {
        var calls = Path.Combine(folder, "calls");
        var plugin = Path.Combine(folder, "credential-plugin.sh");
        File.WriteAllText(plugin, $$$"""
            #!/bin/bash
            # An exec credential plugin: notes each call, prints an ExecCredential with a bearer token.
            set -euo pipefail
            echo "$KUBERNETES_EXEC_INFO" >> '{{{calls}}}'
            printf '%s\n' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{AdminToken}}}"}}'
            """);
        var kubeconfig = Path.Combine(folder, "kubeconfig");
        WriteKubeconfigForUser(kubeconfig, $"""
            exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: /bin/bash
                  args: ["{plugin}"]
                  interactiveMode: Never
            """);
        return (kubeconfig, calls);
    }

    /// <summary>
    /// Writes a kubeconfig for this API server that authenticates with <paramref name="token"/>:
    /// how the webhook is given an identity other than admin.
    /// </summary>
    public void WriteKubeconfig(string path, string token) => WriteKubeconfigForUser(path, $"token: {token}");

    /// <summary>
    /// Writes a kubeconfig for this API server whose user is <paramref name="user"/>, the YAML
    /// of the user's fields (lines after the first indented by six spaces), e.g. an exec plugin.
    /// </summary>
    public void WriteKubeconfigForUser(string path, string user)
    {
        var ca = ClusterCaPem is null
            ? ""
            : "\n    certificate-authority-data: " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(ClusterCaPem));
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: e2e
              cluster:
                server: {Server.ToString().TrimEnd('/')}{ca}
            users:
            - name: e2e
              user:
                {user}
            contexts:
            - name: e2e
              context:
                cluster: e2e
                user: e2e
            current-context: e2e
            """);
    }

    public async Task DisposeAsync()
    {
        if (_apiServer is not null)
        {
            await StopApiServerAsync();
        }

        if (_etcd is not null)
        {
            await _etcd.StopAsync();
            _etcd.Dispose();
        }

        Rest?.Dispose();
        if (_k3s is not null)
        {
            await _k3s.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open is not worth failing the run for.
        }
    }

    private async Task WaitUntilReadyAsync(ManagedProcess apiServer, KubeRest rest)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (apiServer.HasExited)
            {
                throw new InvalidOperationException("kube-apiserver exited during start:\n" + apiServer.Tail());
            }

            try
            {
                var status = await rest.GetStatusAsync("/readyz");
                if (status == HttpStatusCode.OK
                    && await rest.GetStatusAsync("/api/v1/namespaces/default") == HttpStatusCode.OK)
                {
                    return;
                }

                last = status.ToString();
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException(
            $"kube-apiserver not ready after {StartTimeout.TotalSeconds} s ({last}):\n{apiServer.Tail()}\netcd:\n{_etcd!.Tail()}");
    }

    private static void RequireOwnControlPlane()
    {
        if (!ClusterSelection.UsesOwnControlPlane)
        {
            throw new InvalidOperationException("this test stops or duplicates the API server: it needs the suite's own control plane");
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static X509Certificate2 LoadCa(string pem) => X509Certificate2.CreateFromPem(pem);
}
