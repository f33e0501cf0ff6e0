using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// A pod created through the real API server is mutated by the real webhook process over
/// real TLS: what the API server stores is what a kubelet would run.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class IrsaScenarioTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private const string RoleArn = "arn:aws:iam::111122223333:role/s3-reader";

    [Fact]
    public async Task Pod_of_an_annotated_service_account_is_stored_with_the_token_volume_and_variables()
    {
        var scope = "irsa-" + Guid.NewGuid().ToString("N")[..6];
        var ns = "e2e-" + scope;
        await WebhookRegistration.CreateScopedNamespaceAsync(plane.Rest, ns, scope);
        await plane.Rest.CreateServiceAccountAsync(ns, "reader", new Dictionary<string, string> { ["eks.amazonaws.com/role-arn"] = RoleArn });
        await using var webhook = await RunningWebhook.StartAsync(plane.KubeconfigPath, "--aws-default-region", "us-west-2");
        var configuration = await WebhookRegistration.RegisterAsync(plane.Rest, webhook, scope);
        try
        {
            var pod = await CreateMutatedPodAsync(ns, "reader", webhook);
            var container = pod["spec"]!["containers"]![0]!;
            var env = container["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]?.GetValue<string>());
            Assert.Equal("keep", env["APP_MODE"]);
            Assert.Equal(RoleArn, env["AWS_ROLE_ARN"]);
            Assert.Equal("/var/run/secrets/eks.amazonaws.com/serviceaccount/token", env["AWS_WEB_IDENTITY_TOKEN_FILE"]);
            Assert.Equal("us-west-2", env["AWS_REGION"]);
            Assert.Equal("us-west-2", env["AWS_DEFAULT_REGION"]);

            var mounts = container["volumeMounts"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).ToList();
            Assert.Contains("aws-iam-token", mounts);

            var volumes = pod["spec"]!["volumes"]!.AsArray();
            var token = volumes.Single(v => v!["name"]!.GetValue<string>() == "aws-iam-token")!["projected"]!["sources"]![0]!["serviceAccountToken"]!;
            Assert.Equal("sts.amazonaws.com", token["audience"]!.GetValue<string>());
            Assert.Equal(86400, token["expirationSeconds"]!.GetValue<long>());
            Assert.Equal("token", token["path"]!.GetValue<string>());

            // The API server's own ServiceAccount admission added kube-api-access; nothing was dropped.
            Assert.Contains(volumes, v => v!["name"]!.GetValue<string>().StartsWith("kube-api-access-", StringComparison.Ordinal));
        }
        finally
        {
            await plane.Rest.DeleteAsync($"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{configuration}");
        }
    }

    /// <summary>
    /// Creates pods until one comes back mutated: the API server picks up a new webhook
    /// configuration through its own watch, a moment after it is created.
    /// </summary>
    private async Task<JsonNode> CreateMutatedPodAsync(string ns, string serviceAccount, RunningWebhook webhook)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var pod = await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/pods", new JsonObject
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
            if (pod["spec"]!["volumes"]!.AsArray().Any(v => v!["name"]!.GetValue<string>() == "aws-iam-token"))
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
}
