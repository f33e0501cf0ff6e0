using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Webhook;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Mutation;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Replay;

/// <summary>
/// One running webhook per distinct set of case flags and review version, started on first
/// use and registered for its own namespace label, offering only the case's review version so
/// the API server really sends v1 or v1beta1. A container-credentials file holds the
/// identities of every case of its group (each in namespaces of its own); a case with a
/// ConfigMap gets a webhook of its own watching that ConfigMap.
/// </summary>
public sealed class CaseWebhooks : IAsyncLifetime
{
    private const string CredentialsFlag = "--watch-container-credentials-config=";

    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly List<string> _namespaces = [];
    private readonly string _folder = Directory.CreateTempSubdirectory("piw-replay-").FullName;

    /// <summary>Distinguishes this run's namespaces from earlier runs against the same cluster.</summary>
    internal string Run { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    /// <summary>The label scope the case's webhook serves, its webhook started if need be.</summary>
    internal async Task<Group> ForAsync(ControlPlaneFixture plane, MutationCase testCase, ITestOutputHelper output)
    {
        var key = GroupKey(testCase);
        if (!_groups.TryGetValue(key, out var group))
        {
            group = await StartAsync(plane, key, testCase, output);
            _groups[key] = group;
        }

        return group;
    }

    /// <summary>Creates a namespace, labelled with <paramref name="scope"/> when given, and remembers it for clean-up.</summary>
    internal async Task CreateNamespaceAsync(ControlPlaneFixture plane, string name, string? scope)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (scope is not null)
        {
            metadata["labels"] = new JsonObject { [WebhookRegistration.ScopeLabel] = scope };
        }

        if (_namespaces.Contains(name))
        {
            return;
        }

        _namespaces.Add(name);
        await plane.Rest.CreateAsync("/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = metadata });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var group in _groups.Values)
        {
            await WebhookRegistration.DeleteAsync(group.Rest, group.Configuration);
            await group.Webhook.DisposeAsync();
        }

        // Against an existing cluster the pods would otherwise be scheduled and run.
        var rest = _groups.Values.FirstOrDefault()?.Rest;
        if (rest is not null)
        {
            foreach (var ns in _namespaces)
            {
                await rest.DeleteAsync($"/api/v1/namespaces/{ns}");
            }
        }

        Directory.Delete(_folder, recursive: true);
    }

    private static string GroupKey(MutationCase testCase) =>
        testCase.ConfigMap is not null
            ? "configmap:" + testCase.Name
            : testCase.ReviewVersion + " " + string.Join(' ', testCase.Args);

    private async Task<Group> StartAsync(ControlPlaneFixture plane, string key, MutationCase first, ITestOutputHelper output)
    {
        var scope = $"r{Run}-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];
        var flags = new List<string>();
        foreach (var arg in first.Args)
        {
            flags.Add(arg.StartsWith(CredentialsFlag, StringComparison.Ordinal)
                ? CredentialsFlag + WriteCredentialsFile(scope, key)
                : arg);
        }

        // Every case creates its ServiceAccount just before its pod: wait for the watch
        // rather than race it. The answer is the same; only a cache miss waits.
        flags.Add("--service-account-lookup-grace-period=5s");

        if (first.ConfigMap is not null)
        {
            var ns = new CaseNamespaces(Run, first).Served(first.Namespace);
            await CreateNamespaceAsync(plane, ns, scope);
            await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/configmaps", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "pod-identity-webhook" },
                ["data"] = new JsonObject { ["config"] = new CaseNamespaces(Run, first).ConfigMapTable(first.ConfigMap).ToJsonString() },
            });
            flags.Add("--namespace=" + ns);
        }

        var webhook = await RunningWebhook.StartAsync(plane.WebhookHost, plane.KubeconfigPath, [.. flags]);
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope, reviewVersions: [first.ReviewVersion]);
        var group = new Group(scope, webhook, configuration, plane.Rest);
        await WarmUpAsync(plane, group, first, output);
        output.WriteLine($"webhook for [{key}] started: {string.Join(' ', flags)}");
        return group;
    }

    /// <summary>
    /// The API server starts calling a new configuration a moment after it is created: a pod
    /// of an annotated ServiceAccount is created until one comes back mutated.
    /// </summary>
    private async Task WarmUpAsync(ControlPlaneFixture plane, Group group, MutationCase first, ITestOutputHelper output)
    {
        var prefix = FlagParser.Parse(first.Args).Options?.AnnotationPrefix ?? "eks.amazonaws.com";
        var ns = group.Scope + "-warm-up";
        await CreateNamespaceAsync(plane, ns, group.Scope);
        await plane.Rest.CreateServiceAccountAsync(ns, "warm-up", new Dictionary<string, string> { [prefix + "/role-arn"] = Roles.Arn("warm-up") });
        await ScenarioPods.CreateMutatedAsync(plane.Rest, ns, "warm-up", group.Webhook, output);
    }

    private string WriteCredentialsFile(string scope, string key)
    {
        var identities = new JsonArray();
        foreach (var testCase in CaseReplayTests.Replayed().Where(c => GroupKey(c) == key && c.ContainerCredentials is not null))
        {
            foreach (var identity in new CaseNamespaces(Run, testCase).ContainerCredentials(testCase.ContainerCredentials!))
            {
                identities.Add(identity);
            }
        }

        var path = Path.Combine(_folder, scope + "-container-credentials.json");
        File.WriteAllText(path, new JsonObject { ["identities"] = identities }.ToJsonString());
        return path;
    }

    /// <summary>A running webhook, and the namespace label its configuration serves.</summary>
    internal sealed record Group(string Scope, RunningWebhook Webhook, string Configuration, KubeRest Rest);
}
