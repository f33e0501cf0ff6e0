using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>Pods the scenarios create, and what they read back from the stored pod.</summary>
internal static class ScenarioPods
{
    /// <summary>
    /// Creates pods until one comes back mutated: the API server picks up a new webhook
    /// configuration through its own watch, a moment after it is created.
    /// </summary>
    public static async Task<JsonNode> CreateMutatedAsync(KubeRest rest, string ns, string serviceAccount, RunningWebhook webhook, ITestOutputHelper output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var pod = await CreateAsync(rest, ns, serviceAccount);
            if (IsMutated(pod))
            {
                return pod;
            }

            if (DateTime.UtcNow > deadline)
            {
                output.WriteLine(webhook.Tail());
                throw new TimeoutException("no pod was mutated within 15 s; the webhook log is in the test output");
            }

            await Task.Delay(250);
        }
    }

    public static Task<JsonNode> CreateAsync(KubeRest rest, string ns, string serviceAccount) =>
        rest.CreateAsync($"/api/v1/namespaces/{ns}/pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["generateName"] = "app-" },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = serviceAccount,
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "app",
                    ["image"] = "busybox",
                    ["env"] = new JsonArray(new JsonObject { ["name"] = "APP_MODE", ["value"] = "keep" }),
                }),
            },
        });

    public static bool IsMutated(JsonNode pod) =>
        (pod["spec"]!["volumes"] as JsonArray ?? []).Any(v => v!["name"]!.GetValue<string>() == "aws-iam-token");

    public static string? Env(JsonNode pod, string name) =>
        pod["spec"]!["containers"]![0]!["env"]!.AsArray()
            .FirstOrDefault(e => e!["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>();
}
