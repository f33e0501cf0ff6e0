using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Mutation;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Replay;

/// <summary>
/// Every mutation case file of the unit suite, replayed through the real API server: the
/// case's ServiceAccounts (and ConfigMap, container-credentials file and flags) go to a real
/// webhook process, the case's pod is created in a namespace that webhook serves, and the
/// case's expected pod is created in a control namespace no webhook serves. Both pass the
/// same API server defaulting and admission, so the stored pods must be equal: the real
/// webhook, called by the real API server, makes exactly the pod the case describes.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class CaseReplayTests(ControlPlaneFixture plane, CaseWebhooks webhooks, ITestOutputHelper output)
    : IClassFixture<CaseWebhooks>
{
    /// <summary>Cases the API server cannot replay, and why; each is covered elsewhere.</summary>
    internal static readonly IReadOnlyDictionary<string, string> NotReplayable = new Dictionary<string, string>
    {
        ["unknown-service-account-gets-no-patch"] =
            "the API server's ServiceAccount admission refuses pods of a missing ServiceAccount; "
            + "DeletedServiceAccountTests covers the webhook's side through an API server without it",
        ["container-credentials-apply-without-a-known-service-account"] =
            "the API server's ServiceAccount admission refuses pods of a missing ServiceAccount",
        ["duplicate-container-names-both-mutated"] =
            "the API server refuses a pod with two containers of one name",
        ["container-credentials-label-added-to-existing-labels-with-escaped-key"] =
            "the API server refuses the label key team~a; every other container-credentials case escapes the / of the pod-identity label",
        ["native-sidecar-keeps-restart-policy-always"] =
            "the control plane built here is Kubernetes 1.20, which refuses probes on init containers (native sidecars came in 1.28)",
    };

    public static TheoryData<string> Cases() => [.. Replayed().Select(c => c.Name)];

    internal static IEnumerable<MutationCase> Replayed() =>
        MutationCase.Names().Where(n => !NotReplayable.ContainsKey(n)).Select(MutationCase.Load);

    [Fact]
    public void Every_case_left_out_exists_so_the_list_cannot_rot()
    {
        var names = MutationCase.Names().ToHashSet(StringComparer.Ordinal);
        Assert.All(NotReplayable.Keys, name => Assert.Contains(name, names));
        Assert.True(names.Count - NotReplayable.Count >= 60, $"only {names.Count - NotReplayable.Count} cases replayed");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Stored_pod_is_the_pod_the_case_expects(string name)
    {
        var testCase = MutationCase.Load(name);
        var group = await webhooks.ForAsync(plane, testCase, output);
        var namespaces = new CaseNamespaces(webhooks.Run, testCase);

        foreach (var original in namespaces.Originals())
        {
            await webhooks.CreateNamespaceAsync(plane, namespaces.Served(original), group.Scope);
            await webhooks.CreateNamespaceAsync(plane, namespaces.Control(original), scope: null);
            foreach (var ns in new[] { namespaces.Served(original), namespaces.Control(original) })
            {
                await CreateServiceAccountsAsync(testCase, original, ns);
            }
        }

        var served = namespaces.Served(testCase.Namespace);
        var control = namespaces.Control(testCase.Namespace);
        var stored = await CreatePodAsync(served, testCase.Pod);
        var expected = await CreatePodAsync(control, testCase.Expected ?? testCase.Pod);

        var actual = StoredPods.Normalize(stored);
        var wanted = StoredPods.Normalize(expected);
        if (testCase.Random is { } random)
        {
            AcceptJitteredLifetime(actual, wanted, random);
        }

        if (!JsonNode.DeepEquals(wanted, actual))
        {
            output.WriteLine("expected (the case's pod as the API server stores it):\n" + wanted.ToJsonString(Indented));
            output.WriteLine("actual (stored through the webhook):\n" + actual.ToJsonString(Indented));
            output.WriteLine("webhook log:\n" + group.Webhook.Tail());
        }

        Assert.True(JsonNode.DeepEquals(wanted, actual), $"{name}: the stored pod differs from the case's expected pod (both are in the test output)");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Every ServiceAccount of the case that lives in <paramref name="original"/>, plus
    /// <c>default</c> (a pod without serviceAccountName runs as it, and only a controller
    /// manager would create it).
    /// </summary>
    private async Task CreateServiceAccountsAsync(MutationCase testCase, string original, string ns)
    {
        var accounts = testCase.ServiceAccounts
            .Where(a => (a["metadata"]?["namespace"]?.GetValue<string>() ?? testCase.Namespace) == original)
            .ToList();
        if (!accounts.Any(a => a["metadata"]!["name"]!.GetValue<string>() == "default"))
        {
            accounts.Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "default" } });
        }

        foreach (var account in accounts)
        {
            await plane.Rest.ApplyAsync($"/api/v1/namespaces/{ns}/serviceaccounts", CaseNamespaces.MoveTo(account, ns));
        }
    }

    private Task<JsonNode> CreatePodAsync(string ns, JsonObject pod) =>
        plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/pods", CaseNamespaces.MoveTo(pod, ns));

    /// <summary>
    /// The case pins the random source; the real webhook draws. Where the case expects its
    /// drawn lifetime, the stored one must lie in the jitter range, and is then compared as if
    /// it were the case's.
    /// </summary>
    private static void AcceptJitteredLifetime(JsonObject actual, JsonObject wanted, long random)
    {
        foreach (var volume in (wanted["spec"]!["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = volume["name"]!.GetValue<string>();
            var sources = volume["projected"]?["sources"] as JsonArray ?? [];
            for (var i = 0; i < sources.Count; i++)
            {
                if (sources[i]?["serviceAccountToken"]?["expirationSeconds"]?.GetValue<long>() != random)
                {
                    continue;
                }

                var stored = actual["spec"]!["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == name)!
                    ["projected"]!["sources"]![i]!["serviceAccountToken"]!.AsObject();
                var drawn = stored["expirationSeconds"]!.GetValue<long>();
                Assert.InRange(drawn, PodNames.JitteredTokenExpirationMin, OptionDefaults.TokenExpiration);
                stored["expirationSeconds"] = random;
            }
        }
    }
}
