using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// What explain adds to the mutation core's decisions: per container and per variable why
/// nothing was added, and warnings about inputs that lose credentials without an error.
/// </summary>
internal static partial class ExplainChecks
{
    private static readonly string[] ServiceAccountAnnotations =
    [
        IdentityConstants.RoleArnAnnotation, IdentityConstants.AudienceAnnotation,
        IdentityConstants.StsRegionalEndpointsAnnotation, IdentityConstants.TokenExpirationAnnotation,
    ];

    private static readonly string[] PodAnnotations = [PodNames.SkipContainersAnnotation, IdentityConstants.TokenExpirationAnnotation];

    private static readonly string[] StaticKeyVariables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    /// <summary>Per container, from the pod as given and the mutation's decisions.</summary>
    public static IReadOnlyList<ContainerReport> Containers(JsonObject pod, MutationResult mutation, PodIdentity identity, WebhookOptions options)
    {
        var webIdentity = identity.Mode == IdentityMode.WebIdentity;
        var volume = webIdentity ? PodNames.WebIdentityVolumeName : options.ContainerCredentialsTokenVolumeName;
        var credentialVariables = CredentialVariables(identity.Mode);
        var reports = new List<ContainerReport>();
        foreach (var decision in mutation.Containers)
        {
            var env = EnvValues(Container(pod, decision.IsInit, decision.Name));
            var notInjected = new List<(string, string)>();
            var presetCredentials = credentialVariables.Where(env.ContainsKey).ToList();
            var (ownMatch, ownNote) = OwnCredentials(env, identity, options, mutation.IsWindows);
            switch (decision.Outcome)
            {
                case ContainerOutcome.Skipped:
                    notInjected.Add(("all", $"listed in {options.AnnotationPrefix}/{PodNames.SkipContainersAnnotation}"));
                    reports.Add(new ContainerReport(decision.Name, decision.IsInit, decision.Outcome, [], notInjected, null, false));
                    continue;
                case ContainerOutcome.AlreadyConfigured:
                    notInjected.Add(("all", $"it already sets {string.Join(", ", env.Keys.Where(IsAwsVariable))}: the webhook leaves a container with credential, region and AWS_STS_REGIONAL_ENDPOINTS variables alone, token mount included{ownNote}"));
                    reports.Add(new ContainerReport(decision.Name, decision.IsInit, decision.Outcome, [], notInjected, null, ownMatch || NamesPodRole(env, identity, options)));
                    continue;
            }

            if (presetCredentials.Count > 0)
            {
                notInjected.Add((string.Join(", ", credentialVariables),
                    $"the container sets {string.Join(", ", presetCredentials)} itself, so the webhook adds neither{ownNote}"));
            }

            var presetRegion = new[] { PodNames.AwsRegionEnv, PodNames.AwsDefaultRegionEnv }.Where(env.ContainsKey).ToList();
            if (!decision.AddedEnv.Contains(PodNames.AwsRegionEnv))
            {
                notInjected.Add(($"{PodNames.AwsDefaultRegionEnv}, {PodNames.AwsRegionEnv}", presetRegion.Count > 0
                    ? $"the container sets {string.Join(", ", presetRegion)} itself"
                    : "--aws-default-region is not set"));
            }

            if (!decision.AddedEnv.Contains(PodNames.AwsStsRegionalEndpointsEnv))
            {
                notInjected.Add((PodNames.AwsStsRegionalEndpointsEnv, env.ContainsKey(PodNames.AwsStsRegionalEndpointsEnv)
                    ? "the container sets it itself"
                    : $"regional STS is not asked for (--sts-regional-endpoint, annotation {options.AnnotationPrefix}/{IdentityConstants.StsRegionalEndpointsAnnotation})"));
            }

            var mount = decision.MountAdded ? $"mounted {volume}" : $"{volume} already mounted";
            reports.Add(new ContainerReport(
                decision.Name, decision.IsInit, decision.Outcome, decision.AddedEnv, notInjected, mount,
                presetCredentials.Count == 0 || ownMatch || NamesPodRole(env, identity, options)));
        }

        return reports;
    }

    /// <summary>Warnings about the pod, its ServiceAccount's manifest (when given) and the resolved identity.</summary>
    public static List<ExplainFinding> Warnings(
        ExplainTarget target, JsonObject? serviceAccount, PodIdentity? identity, MutationResult? mutation, WebhookOptions options)
    {
        var findings = new List<ExplainFinding>();
        if (target.NamespaceAssumed)
        {
            findings.Add(new("namespace-assumed",
                $"the manifest names no namespace; explained as namespace {target.Namespace}",
                "set metadata.namespace, or pass --pod-namespace NS to explain it for another namespace"));
        }

        if (target.ServiceAccountField.StartsWith("spec.serviceAccount ", StringComparison.Ordinal))
        {
            findings.Add(new("deprecated-service-account-field",
                $"the pod names its ServiceAccount {target.ServiceAccount} in spec.serviceAccount, a deprecated field",
                "use spec.serviceAccountName"));
        }

        var prefix = options.AnnotationPrefix;
        AnnotationTypos(findings, "ServiceAccount", serviceAccount?["metadata"]?["annotations"] as JsonObject, prefix, ServiceAccountAnnotations);
        AnnotationTypos(findings, "pod", target.Pod["metadata"]?["annotations"] as JsonObject, prefix, PodAnnotations);

        if (identity?.RoleArn is { } roleArn && !RoleArn().IsMatch(roleArn))
        {
            findings.Add(new("role-arn-malformed",
                $"role ARN \"{roleArn}\" is not an IAM role ARN; STS refuses to assume it",
                "write it as arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME, without spaces", BreaksCredentials: true));
        }

        if (identity is not null)
        {
            Audience(findings, identity, prefix);
        }

        TokenExpiration(findings, "ServiceAccount", serviceAccount?["metadata"]?["annotations"], prefix);
        TokenExpiration(findings, "pod", target.Pod["metadata"]?["annotations"], prefix);
        SkipContainers(findings, target.Pod, prefix);

        foreach (var (container, isInit) in Containers(target.Pod))
        {
            var name = container["name"]?.ToString() ?? "";
            var label = isInit ? $"init container {name}" : $"container {name}";
            var staticKeys = EnvValues(container).Keys.Where(StaticKeyVariables.Contains).ToList();
            // Not BreaksCredentials: the SDK gets working credentials, the keys', just not the role's,
            // and whether the keys are valid (or meant, during a migration) explain cannot know.
            if (staticKeys.Count > 0 && identity is not null)
            {
                findings.Add(new("static-keys",
                    $"{label} sets {string.Join(", ", staticKeys)}: the AWS SDKs use static keys before the role's credentials",
                    $"remove {string.Join(", ", staticKeys)} from {label}"));
            }

            if (container["envFrom"] is JsonArray envFrom && envFrom.Count > 0 && identity is not null)
            {
                var sources = string.Join(", ", envFrom.OfType<JsonObject>().Select(EnvFromSource));
                findings.Add(new("env-from",
                    $"{label} takes variables from {sources}; explain cannot see them, and AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE there would take precedence over the role",
                    $"keep AWS credential variables out of {sources}"));
            }
        }

        if (identity is not null && mutation is not null)
        {
            OverriddenCredentials(findings, target.Pod, identity, mutation, options);
        }

        foreach (var warning in mutation?.Warnings ?? [])
        {
            findings.Add(new("annotation-ignored", warning, "correct the annotation's value"));
        }

        return findings;
    }

    private static void AnnotationTypos(List<ExplainFinding> findings, string owner, JsonObject? annotations, string prefix, string[] known)
    {
        if (annotations is null)
        {
            return;
        }

        var wanted = known.Select(k => $"{prefix}/{k}").ToList();
        foreach (var (key, _) in annotations)
        {
            if (wanted.Contains(key))
            {
                continue;
            }

            var slash = key.LastIndexOf('/');
            var suffix = slash >= 0 ? key[(slash + 1)..] : key;
            var match = wanted.FirstOrDefault(w => Distance(key, w) <= 3)
                ?? (slash >= 0 && key.Contains("amazon", StringComparison.OrdinalIgnoreCase)
                    ? wanted.FirstOrDefault(w => Distance(suffix, w[(prefix.Length + 1)..]) <= 2)
                    : null);
            if (match is not null)
            {
                findings.Add(new("annotation-typo",
                    $"{owner} annotation {key} looks like {match}, which the webhook reads; {key} is ignored",
                    $"rename the annotation to {match}"));
            }
        }
    }

    private static void TokenExpiration(List<ExplainFinding> findings, string owner, JsonNode? annotations, string prefix)
    {
        var key = $"{prefix}/{IdentityConstants.TokenExpirationAnnotation}";
        if (annotations?[key]?.ToString() is { } text
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && seconds < IdentityConstants.MinTokenExpiration)
        {
            findings.Add(new("token-expiration-raised",
                $"{owner} annotation {key}={text} is below the minimum; the token lives {IdentityConstants.MinTokenExpiration} s",
                $"set {key} to {IdentityConstants.MinTokenExpiration} or more"));
        }
    }

    private static void SkipContainers(List<ExplainFinding> findings, JsonObject pod, string prefix)
    {
        var key = $"{prefix}/{PodNames.SkipContainersAnnotation}";
        if (pod["metadata"]?["annotations"]?[key]?.ToString() is not { } text || SkipContainersList.Parse(text) is not { } names)
        {
            return;
        }

        var containers = Containers(pod).Select(c => c.Container["name"]?.ToString()).ToHashSet();
        foreach (var name in names.Where(n => !containers.Contains(n)))
        {
            findings.Add(new("skip-containers-unknown",
                $"annotation {key} names {name}, which is not a container of this pod",
                $"correct or remove {name} in {key}"));
        }
    }

    private static string EnvFromSource(JsonObject source) =>
        source["secretRef"]?["name"] is { } secret ? $"Secret {secret}"
        : source["configMapRef"]?["name"] is { } configMap ? $"ConfigMap {configMap}"
        : "an envFrom source";

    private static IEnumerable<(JsonObject Container, bool IsInit)> Containers(JsonObject pod)
    {
        foreach (var (field, isInit) in new[] { ("initContainers", true), ("containers", false) })
        {
            if (pod["spec"]?[field] is JsonArray list)
            {
                foreach (var container in list.OfType<JsonObject>())
                {
                    yield return (container, isInit);
                }
            }
        }
    }

    private static JsonObject? Container(JsonObject pod, bool isInit, string name) =>
        Containers(pod).Where(c => c.IsInit == isInit && c.Container["name"]?.ToString() == name).Select(c => c.Container).FirstOrDefault();

    private static Dictionary<string, string?> EnvValues(JsonObject? container)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (container?["env"] is JsonArray env)
        {
            foreach (var variable in env.OfType<JsonObject>())
            {
                if (variable["name"]?.ToString() is { } name)
                {
                    values[name] = variable["value"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
                }
            }
        }

        return values;
    }


    private static bool IsAwsVariable(string name) => name.StartsWith("AWS_", StringComparison.Ordinal);

    /// <summary>Levenshtein distance, for annotation keys a few characters off.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArn();
}
