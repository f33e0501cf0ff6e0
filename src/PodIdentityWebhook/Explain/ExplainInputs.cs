using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Manifests;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>The pod to explain and the identity sources, read once from files.</summary>
internal sealed record ExplainInputs(
    JsonObject Pod,
    string Namespace,
    string ServiceAccount,
    string SourceKind,
    IServiceAccountSource ServiceAccounts,
    IConfigMapSource ConfigMap,
    IContainerCredentialsSource ContainerCredentials)
{
    public static ExplainInputs Load(WebhookOptions options, AwsAccountInfo? account, string podPath, string configMapPath)
    {
        var documents = ReadManifests(podPath);
        var parser = new ServiceAccountParser(options, NullLogger<ServiceAccountParser>.Instance, account);
        var accounts = documents
            .Where(d => Kind(d) == "ServiceAccount")
            .Select(d => ParseServiceAccount(d, parser))
            .ToList();
        if (options.ServiceAccountsFile.Length > 0)
        {
            accounts.InsertRange(0, ServiceAccountFileParser.Parse(ReadBytes(options.ServiceAccountsFile, "--service-accounts-file"), parser).Values);
        }

        var workload = documents.FirstOrDefault(d => PodTemplates.IsWorkload(Kind(d)))
            ?? throw new ConfigurationException($"{podPath} holds no Pod or workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)");
        var pod = PodTemplates.ToPod(workload);
        var @namespace = PodTemplates.Text(pod["metadata"]?["namespace"], "metadata.namespace") is { Length: > 0 } ns ? ns : "default";
        var serviceAccount = PodTemplates.Text(pod["spec"]?["serviceAccountName"], "spec.serviceAccountName") is { Length: > 0 } sa
            ? sa
            : AdmissionConstants.DefaultServiceAccountName;

        return new ExplainInputs(
            pod,
            @namespace,
            serviceAccount,
            Kind(workload) ?? "Pod",
            new ServiceAccountSnapshot(accounts),
            LoadConfigMap(options, configMapPath),
            LoadContainerCredentials(options));
    }

    private static List<JsonNode> ReadManifests(string path)
    {
        var documents = new List<JsonNode>();
        foreach (var document in YamlJson.ParseDocuments(File.ReadAllText(path)))
        {
            // A "kubectl get -o yaml" dump is a List: explain its items.
            if (Kind(document) is "List" && document["items"] is JsonArray items)
            {
                documents.AddRange(items.OfType<JsonNode>());
            }
            else
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    private static ServiceAccountIdentity ParseServiceAccount(JsonNode document, ServiceAccountParser parser)
    {
        var metadata = document["metadata"] as JsonObject;
        var annotations = (metadata?["annotations"] as JsonObject)?
            .Where(p => p.Value is JsonValue)
            .ToDictionary(p => p.Key, p => p.Value!.ToString());
        return parser.Parse(
            metadata?["namespace"]?.ToString() is { Length: > 0 } ns ? ns : "default",
            metadata?["name"]?.ToString() ?? "",
            metadata?["resourceVersion"]?.ToString(),
            annotations);
    }

    private static IConfigMapSource LoadConfigMap(WebhookOptions options, string path)
    {
        if (path.Length == 0)
        {
            return ConfigMapEntries.Empty;
        }

        var documents = YamlJson.ParseDocuments(File.ReadAllText(path));
        var document = documents.Count > 0 ? documents[0] : null;
        var config = Kind(document) == "ConfigMap"
            ? document?["data"]?[IdentityConstants.ConfigMapKey]?.GetValue<string>()
            : document?.ToJsonString();
        return ConfigMapEntries.TryParse(config, options, out var entries, out var error)
            ? entries
            : throw new ConfigurationException($"--config-map {path}: the config is not a valid identity table: {error}");
    }

    private static IContainerCredentialsSource LoadContainerCredentials(WebhookOptions options)
    {
        var path = options.WatchContainerCredentialsConfig;
        return path.Length == 0 || !File.Exists(path)
            ? ContainerCredentialsIdentities.Empty
            : ContainerCredentialsIdentities.Parse(ReadBytes(path, "--watch-container-credentials-config"));
    }

    private static byte[] ReadBytes(string path, string flag) => File.Exists(path)
        ? File.ReadAllBytes(path)
        : throw new ConfigurationException($"{flag}: {path} does not exist");

    private static string? Kind(JsonNode? document) =>
        document is JsonObject obj && obj["kind"] is JsonValue kind && kind.TryGetValue<string>(out var text) ? text : null;
}
