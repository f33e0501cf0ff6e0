namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The connection a pod gets from its mounted service account: KUBERNETES_SERVICE_HOST and
/// KUBERNETES_SERVICE_PORT, the token (re-read as the kubelet rotates it) and the cluster CA.
/// Unlike client-go, a CA that cannot be read stops startup instead of falling back to the
/// system roots, which could never verify a cluster CA anyway.
/// </summary>
internal static class InClusterConfig
{
    /// <summary>Where the kubelet mounts the service account token.</summary>
    public const string TokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>Where the kubelet mounts the cluster CA bundle.</summary>
    public const string CaPath = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

    /// <summary>Env var the kubelet sets to the API server's service address.</summary>
    public const string HostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>Env var the kubelet sets to the API server's service port.</summary>
    public const string PortVariable = "KUBERNETES_SERVICE_PORT";

    private const string Where = "in-cluster configuration";

    /// <summary>client-go's test for "running in a pod": both env vars set and a token file present.</summary>
    public static bool IsAvailable(Func<string, string?>? environment = null, string tokenPath = TokenPath)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(environment(HostVariable))
            && !string.IsNullOrEmpty(environment(PortVariable))
            && File.Exists(tokenPath);
    }

    /// <param name="serverOverride">The --kube-api value; empty uses the service address.</param>
    /// <param name="environment">Reads env vars; tests pass their own.</param>
    public static KubernetesConnection Load(
        string? serverOverride,
        Func<string, string?>? environment = null,
        string tokenPath = TokenPath,
        string caPath = CaPath,
        TimeProvider? time = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        Uri server;
        if (!string.IsNullOrEmpty(serverOverride))
        {
            server = ServerUrl.Parse(serverOverride, "--kube-api");
        }
        else
        {
            var host = environment(HostVariable);
            var port = environment(PortVariable);
            if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
            {
                throw new KubernetesConfigException(
                    $"{Where}: {HostVariable} and {PortVariable} must be set (not running in a pod? pass --kubeconfig)");
            }

            if (!int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var portNumber) || portNumber is <= 0 or > 65535)
            {
                throw new KubernetesConfigException($"{Where}: {PortVariable} \"{port}\" is not a port number");
            }

            // UriBuilder brackets an IPv6 host.
            server = new UriBuilder(Uri.UriSchemeHttps, host, portNumber).Uri;
        }

        var token = FileTokenSource.Open(tokenPath, $"{Where}: service account token", time);
        var authorities = PemCredentials.ParseAuthorities(
            PemCredentials.ReadFile(caPath, $"{Where}: service account CA"),
            $"{Where}: service account CA {caPath}");
        return new KubernetesConnection(server, Where)
        {
            Token = token,
            CertificateAuthorities = authorities,
        };
    }
}
