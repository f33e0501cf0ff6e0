using System.Text.Json;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Manifests;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;
using YamlDotNet.Core;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// <c>explain</c>: runs each pod of the input (or a workload's pod template) through the same
/// resolver and mutation core as the webhook, offline, and says whether the webhook is called
/// for it, what it injects per container and variable, what would go wrong, and what the role's
/// trust policy must allow.
/// </summary>
internal static class ExplainCommand
{
    public const string Name = "explain";

    /// <summary>Every item explained gets credentials that can work (and the trust policy given allows them).</summary>
    public const int ExitInjected = 0;

    /// <summary>Bad input: a file that does not exist or does not parse.</summary>
    public const int ExitBadInput = 1;

    /// <summary>Bad flags.</summary>
    public const int ExitUsage = 2;

    /// <summary>At least one item gets no credentials, or the trust policy given refuses them.</summary>
    public const int ExitNotInjected = 3;

    /// <summary>
    /// Every item gets the variables, but at least one cannot use them: a finding that breaks
    /// credentials (a malformed role ARN, an audience STS refuses, a container that points the
    /// SDK elsewhere). 4, the next free code: 0 must stay "works" and 3 "some pod gets none" for
    /// the scripts already written against them, and 1 and 2 are errors of explain's own input.
    /// A refused trust policy keeps 3, as it did before this code existed; 3 also wins over 4
    /// in a mix, so a script testing for 3 still sees every pod without working credentials
    /// from the trust policy or the webhook, and 4 alone means "fix the pod or its ServiceAccount".
    /// </summary>
    public const int ExitInjectedWillNotWork = 4;

    private const string PodFlag = "pod";
    private const string ConfigMapFlag = "config-map";
    private const string OutputFlag = "output";
    private const string PodNamespaceFlag = "pod-namespace";
    private const string TrustPolicyFlag = "trust-policy";
    private const string OidcIssuerFlag = "oidc-issuer";
    private const string StandardInput = "-";

    /// <summary>The issuer written into a required trust policy when none is known.</summary>
    private const string IssuerPlaceholder = "https://oidc.eks.REGION.amazonaws.com/id/CLUSTER_ID";

    private static readonly string[] SharedFlags =
    [
        "kubeconfig", "kube-api", "namespace", "annotation-prefix", "token-audience", "token-mount-path", "token-expiration",
        "aws-default-region", "sts-regional-endpoint", "compose-role-arn", "service-accounts-file",
        "watch-container-credentials-config", "container-credentials-audience", "container-credentials-token-mount-path",
        "container-credentials-token-volume-name", "container-credentials-token-path", "container-credentials-full-uri",
    ];

    public static IReadOnlyList<FlagDefinition> Flags { get; } =
    [
        FlagDefinition.Extra(PodFlag, FlagValueKind.String,
            "explain: pod or workload manifest, YAML or JSON, a List or several documents (may also hold ServiceAccounts); - reads stdin; or a live reference NAME, NS/NAME, KIND/NAME, KIND/NS/NAME read with the kubeconfig"),
        FlagDefinition.Extra(ConfigMapFlag, FlagValueKind.String,
            "explain: the pod-identity-webhook ConfigMap manifest, or its config JSON"),
        FlagDefinition.Extra(OutputFlag, FlagValueKind.String,
            "explain: text (the report, then each mutated pod as YAML) or json (only JSON, one document per pod)", "text",
            value => value is "text" or "yaml" or "json" ? null : "must be text or json"),
        FlagDefinition.Extra(PodNamespaceFlag, FlagValueKind.String,
            "explain: the namespace of manifests that name none (default: default, said in a warning)"),
        FlagDefinition.Extra(TrustPolicyFlag, FlagValueKind.String,
            "explain: the role's trust policy to check (the document, or aws iam get-role output)"),
        FlagDefinition.Extra(OidcIssuerFlag, FlagValueKind.String,
            "explain: the cluster's OIDC issuer URL, for the trust policy (aws eks describe-cluster --query cluster.identity.oidc.issuer)",
            "", value => value.Length == 0 || value.StartsWith("https://", StringComparison.Ordinal) ? null : "must be an https:// URL"),
    ];

    public static bool IsRequested(FlagParseResult parsed) => parsed.Positionals.Count > 0 && parsed.Positionals[0] == Name;

    /// <summary><c>explain --help</c>: explain's flags, the webhook flags it reads, and its exit codes.</summary>
    public static void WriteHelp(TextWriter output)
    {
        FlagHelp.WriteCommand(output, "Usage: PodIdentityWebhook explain [--pod] FILE|- [flags]\n\n"
            + "Says why a pod gets (or does not get) AWS credentials from the webhook: whether the webhook is\n"
            + "called for it, the identity it resolves, per container and variable what is injected or why not,\n"
            + "warnings, and the IAM trust policy the role needs.", Flags, SharedFlags);
        output.WriteLine();
        output.WriteLine($"Exit codes: {ExitInjected} every pod gets credentials that can work; {ExitNotInjected} some pod gets none (or the trust policy refuses it);");
        output.WriteLine($"            {ExitInjectedWillNotWork} every pod gets them but some will not work (a warning marked [breaks credentials]);");
        output.WriteLine($"            {ExitBadInput} bad input; {ExitUsage} bad flags.");
    }

    public static async Task<int> RunAsync(FlagParseResult parsed, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = parsed.Options!;
        var podPath = parsed.Extras.GetValueOrDefault(PodFlag, "");
        if (podPath.Length == 0 && parsed.Positionals.Count > 1)
        {
            podPath = parsed.Positionals[1];
        }

        if (podPath.Length == 0)
        {
            await error.WriteLineAsync("pod-identity-webhook explain: --pod FILE (or - for stdin) is required; see explain --help");
            return ExitUsage;
        }

        var json = parsed.Extras.GetValueOrDefault(OutputFlag, "text") == "json";
        try
        {
            var podNamespace = parsed.Extras.GetValueOrDefault(PodNamespaceFlag, "") is { Length: > 0 } ns ? ns : null;
            var account = options.ComposeRoleArn ? await AccountInfo.ReadAsync(cancellationToken) : null;
            var trust = ReadTrustPolicy(parsed.Extras.GetValueOrDefault(TrustPolicyFlag, ""));
            var issuer = parsed.Extras.GetValueOrDefault(OidcIssuerFlag, "") is { Length: > 0 } url ? url : null;

            var explanations = new List<Explanation>();
            if (IsLiveReference(podPath))
            {
                explanations.Add(await LiveExplain.ExplainAsync(
                    options, account, podPath, podNamespace, trust, issuer, SharedRandomSource.Instance, cancellationToken));
            }
            else
            {
                var source = podPath == StandardInput ? "stdin" : podPath;
                var manifests = podPath == StandardInput ? await input.ReadToEndAsync(cancellationToken) : ExplainInputs.ReadText(podPath, "--pod");
                var inputs = ExplainInputs.Load(options, account, manifests, source, parsed.Extras.GetValueOrDefault(ConfigMapFlag, ""), podNamespace);
                foreach (var target in inputs.Targets)
                {
                    var namespaceLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = target.Namespace };
                    explanations.Add(await ExplainAsync(
                        options, inputs, target, WebhookRegistration.Shipped, namespaceLabels, trust, issuer, SharedRandomSource.Instance, cancellationToken));
                }
            }

            foreach (var explanation in explanations)
            {
                await output.WriteAsync(json ? ExplainJson.Render(explanation) : ExplainReport.Render(explanation, options) + "---\n" + YamlJson.ToYaml(explanation.Pod));
            }

            var summary = Summary(explanations);
            await (json ? error : output).WriteLineAsync(summary);
            return ExitCode(explanations);
        }
        catch (Exception ex) when (ex is ConfigurationException or IOException or YamlException or JsonException or UnauthorizedAccessException
                                       or PodShapeException or InvalidOperationException or FormatException or KubernetesApiException or HttpRequestException)
        {
            await error.WriteLineAsync($"pod-identity-webhook explain: {ex.Message}");
            return ExitBadInput;
        }
    }

    /// <summary>Resolves and mutates one pod as the webhook would; returns the patched pod with every decision.</summary>
    /// <param name="registration">The webhook registration judged; null when none is registered for pods.</param>
    /// <param name="namespaceLabels">The namespace's labels, for the registration's namespaceSelector.</param>
    internal static async Task<Explanation> ExplainAsync(
        WebhookOptions options,
        ExplainInputs inputs,
        ExplainTarget target,
        WebhookRegistration? registration,
        IReadOnlyDictionary<string, string> namespaceLabels,
        TrustPolicyDocument? trustPolicy,
        string? issuer,
        IRandomSource random,
        CancellationToken cancellationToken)
    {
        var notCalled = registration is null
            ? "no MutatingWebhookConfiguration registers a webhook for pod creation"
            : registration.Excludes(namespaceLabels, LabelSelector.LabelsOf(target.Pod["metadata"])) is { } excluded
                ? $"the registration {registration.Configuration}: {excluded}"
                : null;
        var resolver = new IdentityResolver(options, inputs.ServiceAccounts, inputs.ConfigMap, inputs.ContainerCredentials);
        var resolution = await resolver.ResolveAsync(target.Namespace, target.ServiceAccount, cancellationToken);
        var serviceAccount = inputs.ServiceAccountManifests.GetValueOrDefault((target.Namespace, target.ServiceAccount));
        if (resolution.Identity is not { } identity || notCalled is not null)
        {
            return new Explanation(
                target, registration, notCalled, resolution, null, [], target.Pod,
                ExplainChecks.Warnings(target, serviceAccount, resolution.Identity, null, options),
                resolution.Identity is { } resolved ? Trust(resolved, target, trustPolicy, issuer) : null, []);
        }

        var mutator = new PodMutator(MutationSettings.From(options), random);
        using var patch = new PooledBufferWriter();
        using var document = PartialJsonDocument.Parse(
            System.Text.Encoding.UTF8.GetBytes(target.Pod.ToJsonString()), ReviewShapes.Pod, AdmissionReviewHandler.MaxDepth);
        var mutation = mutator.Mutate(document.RootElement, identity, patch);
        var pod = mutation.HasPatch ? JsonPatchApplier.Apply(target.Pod.DeepClone(), patch.WrittenSpan) : target.Pod;
        return new Explanation(
            target, registration, null, resolution, mutation,
            ExplainChecks.Containers(target.Pod, mutation, identity, options),
            pod,
            ExplainChecks.Warnings(target, serviceAccount, identity, mutation, options),
            Trust(identity, target, trustPolicy, issuer),
            []);
    }

    /// <summary>
    /// <see cref="ExitNotInjected"/> before <see cref="ExitInjectedWillNotWork"/>: a pod without
    /// credentials, or one the trust policy refuses, is what exit 3 has always meant.
    /// </summary>
    public static int ExitCode(IReadOnlyList<Explanation> explanations) =>
        explanations.Any(e => !e.Injected || e.TrustRefused) ? ExitNotInjected
        : explanations.Any(e => !e.Works) ? ExitInjectedWillNotWork
        : ExitInjected;

    /// <summary>
    /// The one line after all items. Pods whose credentials will not work are counted apart, and
    /// only when there are any, so the line for pods that all work reads as it always did.
    /// </summary>
    public static string Summary(IReadOnlyList<Explanation> explanations)
    {
        var working = explanations.Count(e => e.Verdict == ExplainVerdict.Injected);
        var broken = explanations.Count(e => e.Verdict == ExplainVerdict.InjectedWillNotWork);
        var without = explanations.Count(e => e.Verdict == ExplainVerdict.NotInjected);
        var refused = explanations.Count(e => e.Injected && e.TrustRefused);
        var text = explanations.Count == 1
            ? (working == 1 ? "Summary: credentials injected" : broken == 1 ? "Summary: credentials injected, will not work" : "Summary: no credentials injected")
            : $"Summary: {explanations.Count} pods, {working} with credentials injected, {(broken > 0 ? $"{broken} injected but will not work, " : "")}{without} without";
        return refused > 0 ? $"{text}; the trust policy refuses {refused}" : text;
    }

    /// <summary>
    /// Not stdin, not a file, not named like one: a pod or workload reference (<c>NAME</c>,
    /// <c>NS/NAME</c>, <c>deployment/NAME</c>) to read from the cluster.
    /// </summary>
    private static bool IsLiveReference(string pod) =>
        pod != StandardInput && !File.Exists(pod)
        && !pod.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !pod.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        && !pod.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static TrustPolicyDocument? ReadTrustPolicy(string path) =>
        path.Length == 0 ? null : TrustPolicy.Parse(ExplainInputs.ReadText(path, "--trust-policy"), $"--trust-policy {path}");

    private static TrustCheck Trust(PodIdentity identity, ExplainTarget target, TrustPolicyDocument? policy, string? issuer)
    {
        if (identity.Mode == IdentityMode.ContainerCredentials)
        {
            return new TrustCheck(policy is null ? null : TrustPolicy.CheckPodIdentity(policy), TrustPolicy.RequiredPodIdentityPolicy(), null);
        }

        var account = identity.RoleArn?.Split(':') is { Length: > 5 } parts && parts[4].Length > 0 ? parts[4] : null;
        var required = TrustPolicy.RequiredWebIdentityPolicy(issuer ?? IssuerPlaceholder, account, target.Namespace, target.ServiceAccount, identity.Audience);
        if (policy is null)
        {
            return new TrustCheck(null, required, issuer is null ? "the issuer is a placeholder: give --oidc-issuer URL for the real one" : null);
        }

        return issuer is null
            ? new TrustCheck(null, required, "the trust policy was not checked: give --oidc-issuer URL (aws eks describe-cluster --query cluster.identity.oidc.issuer)")
            : new TrustCheck(TrustPolicy.CheckWebIdentity(policy, issuer, target.Namespace, target.ServiceAccount, identity.Audience), required, null);
    }
}
