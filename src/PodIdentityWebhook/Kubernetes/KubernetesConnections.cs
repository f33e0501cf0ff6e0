using k8s;
using k8s.Authentication;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using PodIdentityWebhook.Options;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Picks the connection from --kubeconfig and --kube-api as the reference's
/// clientcmd.BuildConfigFromFlags does: a kubeconfig when given; otherwise the pod's
/// service account (with --kube-api as the server when set); otherwise, outside a pod,
/// --kube-api alone, unauthenticated. KubernetesClient.Aot reads the kubeconfig (token,
/// client certificate, CA, insecure-skip-tls-verify, exec plugins) and the in-cluster files
/// (re-reading the rotated token); errors name the flag they came from.
/// </summary>
internal static class KubernetesConnections
{
    /// <summary>What the webhook says it is to the API server: its name and informational version.</summary>
    public static string UserAgent { get; } = "pod-identity-webhook/" + Options.ProductVersion.Informational;

    /// <summary>The API client for the flags; a configuration or client certificate that does not load is a <see cref="ConfigurationException"/>.</summary>
    public static KubernetesApi Connect(string kubeconfig, string kubeApi)
    {
        var configuration = FromFlags(kubeconfig, kubeApi);
        var where = string.IsNullOrEmpty(kubeconfig) ? "--kube-api" : $"--kubeconfig {kubeconfig}";
        try
        {
            return new KubernetesApi(configuration);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not ConfigurationException)
        {
            throw new ConfigurationException($"{where}: {ex.Message}", ex);
        }
    }

    public static KubernetesClientConfiguration FromFlags(string kubeconfig, string kubeApi)
    {
        var server = string.IsNullOrEmpty(kubeApi) ? null : ServerUrl.Parse(kubeApi, "--kube-api");
        KubernetesClientConfiguration configuration;
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            configuration = Wrap($"--kubeconfig {kubeconfig}", () => FromKubeconfig(kubeconfig, server));
        }
        else if (server is null || KubernetesClientConfiguration.IsInCluster())
        {
            configuration = Wrap("in-cluster configuration", KubernetesClientConfiguration.InClusterConfig);
        }
        else
        {
            configuration = new KubernetesClientConfiguration();
        }

        if (server is not null)
        {
            configuration.Host = server.ToString();
        }

        configuration.UserAgent = UserAgent;
        return configuration;
    }

    /// <summary>True when running in a pod: the service env vars, token and CA are there.</summary>
    public static bool IsInCluster() => KubernetesClientConfiguration.IsInCluster();

    private static KubernetesClientConfiguration FromKubeconfig(string path, Uri? server)
    {
        var kubeconfig = KubernetesClientConfiguration.LoadKubeConfig(path);
        // The library's kubeconfig model has no tokenFile: read the current user's ourselves,
        // and let the library's TokenFileAuth follow the file (re-read every minute) as client-go does.
        var tokenFile = TokenFileOf(path, kubeconfig);
        if (tokenFile is not null)
        {
            var token = File.ReadAllText(tokenFile).Trim();
            if (token.Length == 0)
            {
                throw new KubeConfigException($"the token file {tokenFile} is empty");
            }

            CurrentUser(kubeconfig)!.UserCredentials.Token = token;
        }

        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, masterUrl: server?.ToString());
        if (tokenFile is not null)
        {
            configuration.TokenProvider = new TokenFileAuth(tokenFile);
        }

        return configuration;
    }

    private static User? CurrentUser(K8SConfiguration kubeconfig)
    {
        var context = kubeconfig.Contexts?.FirstOrDefault(c => c.Name == kubeconfig.CurrentContext);
        var userName = context?.ContextDetails?.User;
        return string.IsNullOrEmpty(userName) ? null : kubeconfig.Users?.FirstOrDefault(u => u.Name == userName);
    }

    /// <summary>The current user's tokenFile, resolved against the kubeconfig's folder; null when it has an inline token or none.</summary>
    private static string? TokenFileOf(string path, K8SConfiguration kubeconfig)
    {
        if (CurrentUser(kubeconfig) is not { UserCredentials: { } credentials } user || !string.IsNullOrEmpty(credentials.Token))
        {
            return null;
        }

        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            stream.Load(reader);
        }

        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("users"), out var users)
            || users is not YamlSequenceNode entries)
        {
            return null;
        }

        foreach (var entry in entries.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") == user.Name
                && entry.Children.TryGetValue(new YamlScalarNode("user"), out var body)
                && body is YamlMappingNode mapping
                && Scalar(mapping, "tokenFile") is { Length: > 0 } tokenFile)
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
                return Path.GetFullPath(Path.Combine(directory, tokenFile));
            }
        }

        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static KubernetesClientConfiguration Wrap(string where, Func<KubernetesClientConfiguration> load)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ConfigurationException($"{where}: {(ex is YamlException ? "not valid YAML: " : "")}{ex.Message}", ex);
        }
    }
}
