using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Manifests;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// What explain reads once: the pods to explain (every Pod or workload of the input, Lists and
/// multi-document files included) and the identity sources they resolve against.
/// </summary>
/// <param name="ServiceAccountManifests">The ServiceAccount manifests given, by namespace and name, for the warnings about their annotations.</param>
internal sealed record ExplainInputs(
    IReadOnlyList<ExplainTarget> Targets,
    IServiceAccountSource ServiceAccounts,
    IReadOnlyDictionary<(string Namespace, string Name), JsonObject> ServiceAccountManifests,
    IConfigMapSource ConfigMap,
    IContainerCredentialsSource ContainerCredentials)
{
    /// <summary>Reads the manifests (<paramref name="podSource"/> names them in messages) and the sources the flags name.</summary>
    public static ExplainInputs Load(
        WebhookOptions options, AwsAccountInfo? account, string manifests, string podSource, string configMapPath, string? podNamespace)
    {
        var documents = ReadManifests(manifests);
        var serviceAccountDocuments = new List<JsonObject>();
        if (options.ServiceAccountsFile.Length > 0)
        {
            serviceAccountDocuments.AddRange(ReadManifests(ReadText(options.ServiceAccountsFile, "--service-accounts-file"))
                .Where(d => Kind(d) == "ServiceAccount").OfType<JsonObject>());
        }

        serviceAccountDocuments.AddRange(documents.Where(d => Kind(d) == "ServiceAccount").OfType<JsonObject>());
        var parser = new ServiceAccountParser(options, NullLogger<ServiceAccountParser>.Instance, account);
        var manifestsByName = new Dictionary<(string, string), JsonObject>();
        var accounts = new List<ServiceAccountIdentity>();
        foreach (var document in serviceAccountDocuments)
        {
            var identity = ParseServiceAccount(document, parser, podNamespace);
            accounts.Add(identity);
            manifestsByName[(identity.Namespace, identity.Name)] = document;
        }

        var workloads = documents.Where(d => PodTemplates.IsWorkload(Kind(d))).ToList();
        if (workloads.Count == 0)
        {
            throw new ConfigurationException($"{podSource} holds no Pod or workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)");
        }

        var targets = workloads
            .Select((workload, index) => ExplainTarget.Of(workload, podNamespace, workloads.Count > 1 ? $"item {index + 1} of {workloads.Count} in {podSource}" : podSource))
            .ToList();
        return new ExplainInputs(
            targets,
            new ServiceAccountSnapshot(accounts),
            manifestsByName,
            LoadConfigMap(options, configMapPath),
            LoadContainerCredentials(options));
    }

    /// <summary>The documents of YAML or JSON text, each List's items in its place.</summary>
    public static List<JsonNode> ReadManifests(string text)
    {
        var documents = new List<JsonNode>();
        foreach (var document in YamlJson.ParseDocuments(text))
        {
            // A "kubectl get -o yaml" dump is a List: explain its items.
            if (Kind(document) is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && document["items"] is JsonArray items)
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

    /// <summary>A document's kind, or null.</summary>
    public static string? Kind(JsonNode? document) =>
        document is JsonObject obj && obj["kind"] is JsonValue kind && kind.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The config map as explain reads it: the ConfigMap manifest, or its config JSON.</summary>
    public static IConfigMapSource ParseConfigMap(WebhookOptions options, string text, string source)
    {
        var documents = YamlJson.ParseDocuments(text);
        var document = documents.Count > 0 ? documents[0] : null;
        var config = Kind(document) == "ConfigMap"
            ? document?["data"]?[IdentityConstants.ConfigMapKey]?.GetValue<string>()
            : document?.ToJsonString();
        return ConfigMapEntries.TryParse(config, options, out var entries, out var error)
            ? entries
            : throw new ConfigurationException($"{source}: the config is not a valid identity table: {error}");
    }

    /// <summary>A ServiceAccount manifest as the webhook would cache it; one without a namespace gets <paramref name="podNamespace"/> or default.</summary>
    public static ServiceAccountIdentity ParseServiceAccount(JsonNode document, ServiceAccountParser parser, string? podNamespace)
    {
        var metadata = document["metadata"] as JsonObject;
        var annotations = (metadata?["annotations"] as JsonObject)?
            .Where(p => p.Value is JsonValue)
            .ToDictionary(p => p.Key, p => p.Value!.ToString());
        return parser.Parse(
            metadata?["namespace"]?.ToString() is { Length: > 0 } ns ? ns : podNamespace ?? ExplainTarget.DefaultNamespace,
            metadata?["name"]?.ToString() ?? "",
            metadata?["resourceVersion"]?.ToString(),
            annotations);
    }

    private static IConfigMapSource LoadConfigMap(WebhookOptions options, string path) =>
        path.Length == 0 ? ConfigMapEntries.Empty : ParseConfigMap(options, ReadText(path, "--config-map"), $"--config-map {path}");

    /// <summary>The container-credentials file the flag names, or none.</summary>
    public static IContainerCredentialsSource LoadContainerCredentials(WebhookOptions options)
    {
        var path = options.WatchContainerCredentialsConfig;
        return path.Length == 0 || !File.Exists(path)
            ? ContainerCredentialsIdentities.Empty
            : ContainerCredentialsIdentities.Parse(File.ReadAllBytes(path));
    }

    /// <summary>A file's text; a missing file is a <see cref="ConfigurationException"/> naming the flag.</summary>
    public static string ReadText(string path, string flag) => File.Exists(path)
        ? File.ReadAllText(path)
        : throw new ConfigurationException($"{flag}: {path} does not exist");
}
