using System.Text.Json.Nodes;
using PodIdentityWebhook.Manifests;

namespace PodIdentityWebhook.Tests.Mutation;

/// <summary>One file under <c>TestData/Mutation/</c>: inputs, and the pod the webhook must produce.</summary>
/// <param name="Name">The file name without extension: the rule in plain English.</param>
/// <param name="ServiceAccounts">ServiceAccount objects as the API server returns them.</param>
/// <param name="ConfigMap">The <c>config</c> JSON table of the pod-identity-webhook ConfigMap, or null.</param>
/// <param name="ContainerCredentials">The <c>identities</c> of the container-credentials file, or null.</param>
/// <param name="Random">The value the injected random source returns, or null when none is expected.</param>
/// <param name="Expected">The mutated pod; null when <paramref name="ExpectedNoPatch"/>.</param>
internal sealed record MutationCase(
    string Name,
    string Description,
    IReadOnlyList<string> Args,
    string ReviewVersion,
    string Namespace,
    IReadOnlyList<JsonObject> ServiceAccounts,
    JsonObject? ConfigMap,
    JsonArray? ContainerCredentials,
    long? Random,
    JsonObject Pod,
    JsonObject? Expected,
    bool ExpectedNoPatch)
{
    private static readonly HashSet<string> KnownFields =
    [
        "description", "args", "reviewVersion", "namespace", "serviceAccounts", "configMap",
        "containerCredentials", "random", "pod", "expected", "expectedNoPatch",
    ];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "Mutation");

    public static IEnumerable<string> Names() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.yaml")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    public static MutationCase Load(string name)
    {
        var path = Path.Combine(Directory, name + ".yaml");
        var documents = YamlJson.ParseDocuments(File.ReadAllText(path));
        if (documents is not [JsonObject converted])
        {
            throw new InvalidDataException($"{name}: the case must be one YAML mapping");
        }

        // Re-read from text so expected and actual pods are the same kind of node for DeepEquals.
        var root = JsonNode.Parse(converted.ToJsonString())!.AsObject();

        var unknown = root.Select(p => p.Key).Where(k => !KnownFields.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"{name}: unknown fields {string.Join(", ", unknown)}");
        }

        var expected = root["expected"] as JsonObject;
        var noPatch = root["expectedNoPatch"]?.GetValue<bool>() ?? false;
        if ((expected is null) == !noPatch)
        {
            throw new InvalidDataException($"{name}: set exactly one of 'expected' and 'expectedNoPatch: true'");
        }

        var reviewVersion = root["reviewVersion"]?.GetValue<string>() ?? "v1";
        if (reviewVersion is not ("v1" or "v1beta1"))
        {
            throw new InvalidDataException($"{name}: reviewVersion must be v1 or v1beta1");
        }

        return new MutationCase(
            name,
            root["description"]?.GetValue<string>() ?? throw new InvalidDataException($"{name}: description is required"),
            root["args"]?.AsArray().Select(a => a!.GetValue<string>()).ToList() ?? [],
            reviewVersion,
            root["namespace"]?.GetValue<string>() ?? throw new InvalidDataException($"{name}: namespace is required"),
            root["serviceAccounts"]?.AsArray().Select(a => a!.AsObject()).ToList() ?? [],
            root["configMap"] as JsonObject,
            root["containerCredentials"] as JsonArray,
            root["random"]?.GetValue<long>(),
            root["pod"] as JsonObject ?? throw new InvalidDataException($"{name}: pod is required"),
            expected,
            noPatch);
    }
}
