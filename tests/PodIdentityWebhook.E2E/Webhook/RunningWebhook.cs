using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The webhook as a real process with real flags and a real TLS certificate from a CA of its
/// own, whose PEM goes into the caBundle. The build is the published Native AOT binary named by
/// <c>E2E_WEBHOOK_BINARY</c> (scripts/test.sh publishes it), else the JIT build output next to
/// the tests, run as <c>dotnet PodIdentityWebhook.dll</c>. It listens on an address the API
/// server can reach (<see cref="ControlPlaneFixture.WebhookHost"/>), which its certificate names.
/// </summary>
internal sealed class RunningWebhook : IAsyncDisposable
{
    /// <summary>Path of the published PodIdentityWebhook binary to run (a .dll runs under dotnet).</summary>
    public const string ProductVariable = "E2E_WEBHOOK_BINARY";

    /// <summary>The IP address the webhook listens on and the API server calls.</summary>
    public const string HostVariable = "E2E_WEBHOOK_HOST";

    private readonly ManagedProcess _process;
    private readonly string _folder;
    private bool _disposed;

    private RunningWebhook(ManagedProcess process, long startedAt, string folder, IPAddress host, int port, int metricsPort, string caPem)
    {
        _process = process;
        StartedAt = startedAt;
        _folder = folder;
        Url = new Uri($"https://{new IPEndPoint(host, port)}/mutate");
        MetricsEndpoint = new IPEndPoint(host, metricsPort);
        CaPem = caPem;
    }

    public Uri Url { get; }

    /// <summary>
    /// <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> just before the process was
    /// started: the start of a start-up measurement, after the harness's own preparation (the
    /// certificate it writes, the ports it picks).
    /// </summary>
    public long StartedAt { get; }

    /// <summary>Where the plain-HTTP metrics port listens (<c>/metrics</c>).</summary>
    public IPEndPoint MetricsEndpoint { get; }

    public string CaPem { get; }

    /// <summary>The product binary or assembly the scenarios run.</summary>
    public static string Product =>
        Environment.GetEnvironmentVariable(ProductVariable) is { Length: > 0 } published
            ? Path.GetFullPath(published)
            : Path.Combine(AppContext.BaseDirectory, "PodIdentityWebhook.dll");

    /// <summary>How to run <paramref name="product"/>: a native binary itself, an assembly under dotnet.</summary>
    public static (string Program, string[] Prefix) Command(string product) =>
        product.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [product]) : (product, []);

    /// <summary><c>E2E_WEBHOOK_HOST</c> parsed; null when unset.</summary>
    public static IPAddress? ConfiguredHost() =>
        Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } configured ? IPAddress.Parse(configured) : null;

    /// <summary>The webhook on <paramref name="host"/>, reading the cluster through <paramref name="kubeconfig"/>.</summary>
    public static Task<RunningWebhook> StartAsync(IPAddress host, string kubeconfig, params string[] flags) =>
        StartWithAsync(host, null, DefaultReadyPoll, ["--kubeconfig", kubeconfig, .. flags]);

    /// <summary>
    /// The webhook with <paramref name="flags"/> alone (its ServiceAccounts from wherever they
    /// say) and extra <paramref name="environment"/> variables, polling <c>/readyz</c> every
    /// <paramref name="readyPoll"/>: the start-up measurement polls finer than the suites need.
    /// </summary>
    public static Task<RunningWebhook> StartAsync(
        IPAddress host, TimeSpan readyPoll, IReadOnlyDictionary<string, string>? environment, params string[] flags) =>
        StartWithAsync(host, environment, readyPoll, flags);

    /// <summary>
    /// The webhook without an API server, serving the ServiceAccounts of
    /// <c>examples/service-accounts.yaml</c>, with extra environment variables (a heap limit).
    /// </summary>
    public static Task<RunningWebhook> StartLocalAsync(IReadOnlyDictionary<string, string> environment, params string[] flags) =>
        StartWithAsync(ConfiguredHost() ?? IPAddress.Loopback, environment, DefaultReadyPoll, ["--service-accounts-file", Path.Combine(ControlPlaneAssets.RepositoryRoot(), "examples", "service-accounts.yaml"), .. flags]);

    private static readonly TimeSpan DefaultReadyPoll = TimeSpan.FromMilliseconds(20);

    private static async Task<RunningWebhook> StartWithAsync(
        IPAddress host, IReadOnlyDictionary<string, string>? environment, TimeSpan readyPoll, string[] flags)
    {
        var folder = Directory.CreateTempSubdirectory("piw-webhook-").FullName;
        var caPem = WriteCertificate(folder, host);
        var port = ControlPlaneFixture.FreePort();
        var metricsPort = ControlPlaneFixture.FreePort();
        while (metricsPort == port)
        {
            // A port just released can come back at once; the webhook refuses the same port twice.
            metricsPort = ControlPlaneFixture.FreePort();
        }

        if (!File.Exists(Product))
        {
            throw new InvalidOperationException($"{Product} does not exist; {ProductVariable} must name the published PodIdentityWebhook binary");
        }

        var (program, prefix) = Command(Product);
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var process = ManagedProcess.Start(program,
        [
            .. prefix,
            "--bind-address", host.ToString(),
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--metrics-port", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls-cert", Path.Combine(folder, "tls.crt"),
            "--tls-key", Path.Combine(folder, "tls.key"),
            .. flags,
        ], Path.Combine(folder, "webhook.log"), environment);
        var webhook = new RunningWebhook(process, startedAt, folder, host, port, metricsPort, caPem);
        await webhook.WaitUntilReadyAsync(readyPoll);
        return webhook;
    }

    /// <summary>
    /// Posts <c>examples/admission-review.json</c> with its pod's ServiceAccount set to
    /// <paramref name="serviceAccount"/> and returns the answer's body, which must come with 200.
    /// </summary>
    public async Task<string> ReviewExampleAsync(HttpClient http, string serviceAccount)
    {
        var review = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(ControlPlaneAssets.RepositoryRoot(), "examples", "admission-review.json")))!;
        review["request"]!["object"]!["spec"]!["serviceAccountName"] = serviceAccount;
        using var content = new StringContent(review.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(Url, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{Tail()}");
        return body;
    }

    /// <summary>The webhook's process id, for reading its memory.</summary>
    public int ProcessId => _process.Id;

    public string Tail(int lines = 30) => _process.Tail(lines);

    /// <summary>Log lines at Error or Critical so far.</summary>
    public IReadOnlyList<string> ErrorLines()
    {
        using var stream = new FileStream(_process.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Where(l => l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal))];
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _process.StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open is not worth failing the run for.
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan poll)
    {
        using var http = new HttpClient(KubeRest.TrustingHandler(CaPem)) { Timeout = TimeSpan.FromSeconds(5) };
        await _process.WaitUntilServingAsync(http, new Uri(Url, "/readyz"), "the webhook", poll);
    }

    private static string WriteCertificate(string folder, IPAddress host)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=pod-identity-webhook-e2e-webhook-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=pod-identity-webhook", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serving = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(folder, "tls.crt"), serving.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tls.key"), key.ExportPkcs8PrivateKeyPem());
        return ca.ExportCertificatePem();
    }
}
