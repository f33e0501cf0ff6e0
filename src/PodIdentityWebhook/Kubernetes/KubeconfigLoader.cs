using System.Security.Cryptography.X509Certificates;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Reads the connection of a kubeconfig's current context: server, CA (file or data),
/// insecure-skip-tls-verify, tls-server-name, and the user's token, tokenFile or client
/// certificate and key (files or data). Relative file paths are relative to the kubeconfig's
/// folder, as kubectl resolves them. <c>*-data</c> wins over the file, as in client-go.
/// </summary>
internal static class KubeconfigLoader
{
    /// <param name="path">The --kubeconfig value.</param>
    /// <param name="serverOverride">The --kube-api value; empty keeps the cluster's server.</param>
    public static KubernetesConnection Load(string path, string? serverOverride)
    {
        var where = $"--kubeconfig {path}";
        var root = ParseYaml(PemCredentials.ReadFile(path, "--kubeconfig"), where);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";

        var contextName = Scalar(root, "current-context");
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubernetesConfigException($"{where}: no current-context is set");
        }

        var context = FindNamed(root, "contexts", "context", contextName)
            ?? throw new KubernetesConfigException($"{where}: current-context \"{contextName}\" is not defined");

        var clusterName = Scalar(context, "cluster");
        if (string.IsNullOrEmpty(clusterName))
        {
            throw new KubernetesConfigException($"{where}: context \"{contextName}\" names no cluster");
        }

        var cluster = FindNamed(root, "clusters", "cluster", clusterName)
            ?? throw new KubernetesConfigException($"{where}: context \"{contextName}\" names cluster \"{clusterName}\" that is not defined");

        var userName = Scalar(context, "user");
        YamlMappingNode? user = null;
        if (!string.IsNullOrEmpty(userName))
        {
            user = FindNamed(root, "users", "user", userName)
                ?? throw new KubernetesConfigException($"{where}: context \"{contextName}\" names user \"{userName}\" that is not defined");
        }

        var clusterWhere = $"{where}: cluster \"{clusterName}\"";
        Uri server;
        if (!string.IsNullOrEmpty(serverOverride))
        {
            server = ServerUrl.Parse(serverOverride, "--kube-api");
        }
        else
        {
            var value = Scalar(cluster, "server");
            if (string.IsNullOrEmpty(value))
            {
                throw new KubernetesConfigException($"{clusterWhere} has no server");
            }

            server = ServerUrl.Parse(value, $"{clusterWhere} server");
        }

        var connection = new KubernetesConnection(server, $"{where} context \"{contextName}\"")
        {
            CertificateAuthorities = LoadAuthorities(cluster, directory, clusterWhere),
            InsecureSkipTlsVerify = ParseBool(Scalar(cluster, "insecure-skip-tls-verify"), $"{clusterWhere} insecure-skip-tls-verify"),
            TlsServerName = NullIfEmpty(Scalar(cluster, "tls-server-name")),
        };

        return user is null ? connection : ApplyUser(connection, user, directory, $"{where}: user \"{userName}\"");
    }

    private static KubernetesConnection ApplyUser(KubernetesConnection connection, YamlMappingNode user, string directory, string where)
    {
        IBearerTokenSource? token = null;
        if (NullIfEmpty(Scalar(user, "token")) is { } inline)
        {
            token = new StaticTokenSource(inline);
        }
        else if (NullIfEmpty(Scalar(user, "tokenFile")) is { } tokenFile)
        {
            token = FileTokenSource.Open(Resolve(directory, tokenFile), $"{where} tokenFile");
        }

        var certificatePem = ReadPem(user, "client-certificate", directory, where);
        var keyPem = ReadPem(user, "client-key", directory, where);
        X509Certificate2? certificate = null;
        if (certificatePem is not null && keyPem is not null)
        {
            certificate = PemCredentials.ParseClientCertificate(certificatePem, keyPem, where);
        }
        else if (certificatePem is not null || keyPem is not null)
        {
            throw new KubernetesConfigException($"{where} has a client certificate without a key, or a key without a certificate; both are needed");
        }

        if (token is null && certificate is null)
        {
            foreach (var unsupported in new[] { "exec", "auth-provider", "username" })
            {
                if (user.Children.ContainsKey(new YamlScalarNode(unsupported)))
                {
                    throw new KubernetesConfigException(
                        $"{where} authenticates with {unsupported}, which this webhook does not support; use token, tokenFile or client-certificate and client-key");
                }
            }
        }

        return connection with { Token = token, ClientCertificate = certificate };
    }

    private static X509Certificate2Collection? LoadAuthorities(YamlMappingNode cluster, string directory, string where)
    {
        var pem = ReadPem(cluster, "certificate-authority", directory, where);
        return pem is null ? null : PemCredentials.ParseAuthorities(pem, $"{where} certificate-authority");
    }

    /// <summary>The PEM text of <c>{key}-data</c> or, failing that, of the file <c>{key}</c>.</summary>
    private static string? ReadPem(YamlMappingNode node, string key, string directory, string where)
    {
        if (NullIfEmpty(Scalar(node, key + "-data")) is { } data)
        {
            return PemCredentials.DecodeData(data, $"{where} {key}-data");
        }

        return NullIfEmpty(Scalar(node, key)) is { } file
            ? PemCredentials.ReadFile(Resolve(directory, file), $"{where} {key}")
            : null;
    }

    private static string Resolve(string directory, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(directory, path));

    private static YamlMappingNode ParseYaml(string text, string where)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
            {
                return root;
            }
        }
        catch (YamlException ex)
        {
            throw new KubernetesConfigException($"{where}: not valid YAML: {ex.Message}", ex);
        }

        throw new KubernetesConfigException($"{where}: not a kubeconfig (expected a YAML mapping)");
    }

    /// <summary>The <paramref name="field"/> mapping of the entry named <paramref name="name"/> in list <paramref name="list"/>.</summary>
    private static YamlMappingNode? FindNamed(YamlMappingNode root, string list, string field, string name)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(list), out var node) || node is not YamlSequenceNode entries)
        {
            return null;
        }

        foreach (var entry in entries.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") == name)
            {
                // An entry with the name but no body is defined and empty.
                return entry.Children.TryGetValue(new YamlScalarNode(field), out var body) && body is YamlMappingNode mapping
                    ? mapping
                    : new YamlMappingNode();
            }
        }

        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static bool ParseBool(string? value, string where) => value switch
    {
        null or "" or "false" or "False" or "FALSE" => false,
        "true" or "True" or "TRUE" => true,
        _ => throw new KubernetesConfigException($"{where}: \"{value}\" is not true or false"),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
