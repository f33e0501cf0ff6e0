using System.Text.Json;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Manifests;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;
using YamlDotNet.Core;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// <c>explain</c>: runs a pod (or a workload's pod template) through the same resolver and
/// mutation core as the webhook, offline, and says per container what was injected or why not.
/// </summary>
internal static class ExplainCommand
{
    public const string Name = "explain";
    private const string PodFlag = "pod";
    private const string ConfigMapFlag = "config-map";
    private const string OutputFlag = "output";

    public static IReadOnlyList<FlagDefinition> Flags { get; } =
    [
        FlagDefinition.Extra(PodFlag, FlagValueKind.String,
            "explain: pod or workload manifest, YAML or JSON (may also hold ServiceAccounts)"),
        FlagDefinition.Extra(ConfigMapFlag, FlagValueKind.String,
            "explain: the pod-identity-webhook ConfigMap manifest, or its config JSON"),
        FlagDefinition.Extra(OutputFlag, FlagValueKind.String, "explain: format of the mutated pod, yaml or json", "yaml",
            value => value is "yaml" or "json" ? null : "must be yaml or json"),
    ];

    public static bool IsRequested(FlagParseResult parsed) => parsed.Positionals.Count > 0 && parsed.Positionals[0] == Name;

    public static async Task<int> RunAsync(FlagParseResult parsed, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = parsed.Options!;
        var podPath = parsed.Extras.GetValueOrDefault(PodFlag, "");
        if (podPath.Length == 0 && parsed.Positionals.Count > 1)
        {
            podPath = parsed.Positionals[1];
        }

        if (podPath.Length == 0)
        {
            await error.WriteLineAsync("pod-identity-webhook explain: --pod FILE is required");
            return 2;
        }

        try
        {
            var account = options.ComposeRoleArn ? await AccountInfo.ReadAsync(cancellationToken) : null;
            var inputs = ExplainInputs.Load(options, account, podPath, parsed.Extras.GetValueOrDefault(ConfigMapFlag, ""));
            var explanation = await ExplainAsync(options, inputs, SharedRandomSource.Instance, cancellationToken);
            await output.WriteAsync(ExplainReport.Render(explanation, options));
            await output.WriteLineAsync("---");
            await output.WriteAsync(parsed.Extras.GetValueOrDefault(OutputFlag, "yaml") == "json"
                ? explanation.Pod.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"
                : YamlJson.ToYaml(explanation.Pod));
            return 0;
        }
        catch (Exception ex) when (ex is ConfigurationException or IOException or YamlException
                                       or JsonException or UnauthorizedAccessException or PodShapeException or InvalidOperationException or FormatException)
        {
            await error.WriteLineAsync($"pod-identity-webhook explain: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Resolves and mutates the pod; returns the patched pod with every decision.</summary>
    internal static async Task<Explanation> ExplainAsync(
        WebhookOptions options, ExplainInputs inputs, IRandomSource random, CancellationToken cancellationToken)
    {
        var resolver = new IdentityResolver(options, inputs.ServiceAccounts, inputs.ConfigMap, inputs.ContainerCredentials);
        var resolution = await resolver.ResolveAsync(inputs.Namespace, inputs.ServiceAccount, cancellationToken);
        if (resolution.Identity is not { } identity)
        {
            return new Explanation(inputs, resolution, null, inputs.Pod);
        }

        var mutator = new PodMutator(MutationSettings.From(options), random);
        using var patch = new PooledBufferWriter();
        using var document = JsonDocument.Parse(inputs.Pod.ToJsonString());
        var mutation = mutator.Mutate(document.RootElement, identity, patch);
        var pod = mutation.HasPatch ? JsonPatchApplier.Apply(inputs.Pod.DeepClone(), patch.WrittenSpan) : inputs.Pod;
        return new Explanation(inputs, resolution, mutation, pod);
    }
}
