using System.Text.Json;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Verify;

/// <summary>
/// <c>verify</c>: sends a pod that uses a ServiceAccount through the API server as a dry run
/// (<c>dryRun=All</c>: admission runs in full, mutating webhooks included, and nothing is
/// stored) and checks that what came back carries the identity: the web identity variables
/// and token volume, or the container-credentials variables. Unlike <c>explain</c>, which
/// predicts, this asks the cluster, so it proves the registration, the Service, TLS and the
/// webhook's cache together. The chart's <c>helm test</c> runs it.
/// </summary>
internal static class VerifyCommand
{
    public const string Name = "verify";

    public const int ExitInjected = 0;

    /// <summary>The API server, the kubeconfig or the flags failed: nothing was learned.</summary>
    public const int ExitError = 1;

    public const int ExitUsage = 2;

    /// <summary>The pod came back without the identity.</summary>
    public const int ExitNotInjected = 3;

    private const string ServiceAccountFlag = "service-account";
    private const string PodNamespaceFlag = "pod-namespace";

    public static IReadOnlyList<FlagDefinition> Flags { get; } =
    [
        FlagDefinition.Extra(ServiceAccountFlag, FlagValueKind.String,
            "verify: the ServiceAccount of the dry-run pod (verify runs in --pod-namespace, default: the pod's own namespace, else default)"),
    ];

    public static bool IsRequested(FlagParseResult parsed) => parsed.Positionals.Count > 0 && parsed.Positionals[0] == Name;

    public static void WriteHelp(TextWriter output)
    {
        FlagHelp.WriteCommand(output, "Usage: PodIdentityWebhook verify --service-account NAME [--pod-namespace NS] [--kubeconfig FILE]\n\n"
            + "Creates a pod that uses the ServiceAccount as a dry run (nothing is stored) and says whether the\n"
            + "webhook injected its identity: web identity (AWS_ROLE_ARN, the token file and volume) or container\n"
            + "credentials. Needs create on pods in that namespace. In a pod it uses the pod's ServiceAccount.",
            [.. Flags, .. ExplainCommand.Flags.Where(f => f.Name == PodNamespaceFlag)], ["kubeconfig", "kube-api", "token-audience"]);
        output.WriteLine();
        output.WriteLine($"Exit codes: {ExitInjected} injected; {ExitNotInjected} not injected; {ExitError} the request failed; {ExitUsage} bad flags.");
    }

    public static async Task<int> RunAsync(FlagParseResult parsed, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = parsed.Options!;
        var serviceAccount = parsed.Extras.GetValueOrDefault(ServiceAccountFlag, "");
        if (serviceAccount.Length == 0)
        {
            await error.WriteLineAsync("pod-identity-webhook verify: --service-account NAME is required; see verify --help");
            return ExitUsage;
        }

        var ns = parsed.Extras.GetValueOrDefault(PodNamespaceFlag, "") is { Length: > 0 } given ? given : OwnNamespace();
        try
        {
            using var api = KubernetesConnections.Connect(options.Kubeconfig, options.KubeApi);
            var pod = await api.CreateJsonAsync($"/api/v1/namespaces/{ns}/pods?dryRun=All", DryRunPod(ns, serviceAccount), cancellationToken);
            var findings = Inspect(pod, options);
            foreach (var finding in findings.Lines)
            {
                await output.WriteLineAsync(finding);
            }

            await output.WriteLineAsync(findings.Injected
                ? $"verify: a pod of ServiceAccount {ns}/{serviceAccount} gets its identity"
                : $"verify: a pod of ServiceAccount {ns}/{serviceAccount} gets NO identity (is the SA annotated, the namespace served by the webhook, the webhook ready?)");
            return findings.Injected ? ExitInjected : ExitNotInjected;
        }
        catch (Exception ex) when (ex is ConfigurationException or KubernetesApiException or HttpRequestException or IOException or JsonException)
        {
            await error.WriteLineAsync($"pod-identity-webhook verify: {ex.Message}");
            return ExitError;
        }
    }

    /// <summary>What the returned pod's first container and volumes say about the identity.</summary>
    internal static (bool Injected, IReadOnlyList<string> Lines) Inspect(JsonObject pod, WebhookOptions options)
    {
        var container = pod["spec"]?["containers"]?[0];
        var env = (container?["env"] as JsonArray ?? [])
            .Select(e => (Name: e?["name"]?.GetValue<string>() ?? "", Value: e?["value"]?.GetValue<string>()))
            .ToList();
        string? Env(string name) => env.FirstOrDefault(e => e.Name == name).Value;

        var lines = new List<string>();
        foreach (var (name, value) in env.Where(e => e.Name.StartsWith("AWS_", StringComparison.Ordinal)))
        {
            lines.Add($"env {name}={value}");
        }

        var audiences = (pod["spec"]?["volumes"] as JsonArray ?? [])
            .SelectMany(v => v?["projected"]?["sources"] as JsonArray ?? [])
            .Select(s => s?["serviceAccountToken"]?["audience"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
        foreach (var audience in audiences)
        {
            lines.Add($"projected token for audience {audience}");
        }

        var webIdentity = Env(PodNames.AwsRoleArnEnv) is { Length: > 0 }
            && Env(PodNames.AwsWebIdentityTokenFileEnv) is { Length: > 0 }
            && audiences.Contains(options.TokenAudience);
        var containerCredentials = Env(PodNames.AwsContainerCredentialsFullUriEnv) is { Length: > 0 }
            && Env(PodNames.AwsContainerAuthorizationTokenFileEnv) is { Length: > 0 };
        return (webIdentity || containerCredentials, lines);
    }

    private static JsonObject DryRunPod(string ns, string serviceAccount) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["generateName"] = "pod-identity-webhook-verify-", ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["serviceAccountName"] = serviceAccount,
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "verify", ["image"] = "verify.invalid/never-pulled" }),
        },
    };

    /// <summary>In a pod, its namespace (as the service account mount says); elsewhere default.</summary>
    private static string OwnNamespace()
    {
        const string NamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        return File.Exists(NamespaceFile) ? File.ReadAllText(NamespaceFile).Trim() : "default";
    }
}
