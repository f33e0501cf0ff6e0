using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The built webhook as a real process (<c>dotnet PodIdentityWebhook.dll</c>) with real flags
/// and a real TLS certificate from a CA of its own, whose PEM goes into the caBundle.
/// </summary>
internal sealed class RunningWebhook : IAsyncDisposable
{
    private readonly ManagedProcess _process;
    private readonly string _folder;
    private bool _disposed;

    private RunningWebhook(ManagedProcess process, string folder, int port, string caPem)
    {
        _process = process;
        _folder = folder;
        Url = new Uri($"https://127.0.0.1:{port}/mutate");
        CaPem = caPem;
    }

    public Uri Url { get; }

    public string CaPem { get; }

    public static async Task<RunningWebhook> StartAsync(string kubeconfig, params string[] flags)
    {
        var folder = Directory.CreateTempSubdirectory("piw-webhook-").FullName;
        var caPem = WriteCertificate(folder);
        var port = ControlPlaneFixture.FreePort();
        var product = Path.Combine(AppContext.BaseDirectory, "PodIdentityWebhook.dll");
        var process = ManagedProcess.Start("dotnet",
        [
            product,
            "--bind-address", "127.0.0.1",
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--metrics-port", ControlPlaneFixture.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls-cert", Path.Combine(folder, "tls.crt"),
            "--tls-key", Path.Combine(folder, "tls.key"),
            "--kubeconfig", kubeconfig,
            .. flags,
        ], Path.Combine(folder, "webhook.log"));
        var webhook = new RunningWebhook(process, folder, port, caPem);
        await webhook.WaitUntilReadyAsync();
        return webhook;
    }

    public string Tail() => _process.Tail();

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

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient(KubeRest.TrustingHandler(CaPem)) { Timeout = TimeSpan.FromSeconds(5) };
        var ready = new Uri(Url, "/readyz");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("the webhook exited during start:\n" + _process.Tail());
            }

            try
            {
                using var response = await http.GetAsync(ready);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the webhook was not ready within 60 s:\n" + _process.Tail());
    }

    private static string WriteCertificate(string folder)
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
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serving = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(Path.Combine(folder, "tls.crt"), serving.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "tls.key"), key.ExportPkcs8PrivateKeyPem());
        return ca.ExportCertificatePem();
    }
}
