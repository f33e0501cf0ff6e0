using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// A webhook process with --self-managed-certificate: no certificate files, a 1 s sync period,
/// and the host's address as an extra name of its certificate, since the API server calls it by IP.
/// </summary>
internal sealed class SelfManagedWebhook : IAsyncDisposable
{
    private readonly ManagedProcess _process;
    private readonly string _folder;

    private SelfManagedWebhook(ManagedProcess process, string folder, IPEndPoint endpoint)
    {
        _process = process;
        _folder = folder;
        Endpoint = endpoint;
    }

    public IPEndPoint Endpoint { get; }

    public Uri Url => new($"https://{Endpoint}/mutate");

    public static SelfManagedWebhook Start(IPAddress host, string kubeconfig, params string[] flags)
    {
        var folder = Directory.CreateTempSubdirectory("piw-selfmanaged-").FullName;
        var port = ControlPlaneFixture.FreePort();
        var metricsPort = ControlPlaneFixture.FreePort();
        while (metricsPort == port)
        {
            metricsPort = ControlPlaneFixture.FreePort();
        }

        var (program, prefix) = RunningWebhook.Command(RunningWebhook.Product);
        var process = ManagedProcess.Start(program,
        [
            .. prefix,
            "--kubeconfig", kubeconfig,
            "--bind-address", host.ToString(),
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--metrics-port", metricsPort.ToString(CultureInfo.InvariantCulture),
            "--self-managed-certificate",
            "--self-managed-certificate-sync-period", "1s",
            "--self-managed-certificate-extra-sans", host.ToString(),
            .. flags,
        ], Path.Combine(folder, "webhook.log"));
        return new SelfManagedWebhook(process, folder, new IPEndPoint(host, port));
    }

    public string Log()
    {
        using var stream = new FileStream(_process.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>How many log lines carry <paramref name="text"/>.</summary>
    public int Count(string text) => Log().Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>/readyz answers 200 (its certificate is not checked: until ready it is a temporary one).</summary>
    public async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException("the webhook exited:\n" + _process.Tail());
        }

        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = AnyCertificate;
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(Url, "/readyz"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>The certificate a TLS handshake gets now.</summary>
    public async Task<X509Certificate2> ServedCertificateAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Endpoint);
        await using var tls = new SslStream(tcp.GetStream(), false, AnyCertificate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = Endpoint.Address.ToString() });
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    public string Tail() => _process.Tail(60);

    /// <summary>What the handshake is for here is reading the certificate, whoever issued it.</summary>
    private static bool AnyCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => certificate is not null;

    public async ValueTask DisposeAsync()
    {
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
}
