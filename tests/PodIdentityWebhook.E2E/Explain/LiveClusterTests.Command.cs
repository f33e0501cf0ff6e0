using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Webhook;
using PodIdentityWebhook.Explain;

namespace PodIdentityWebhook.E2E.Explain;

/// <summary>
/// The explain command itself in live mode: the product binary run against the real API server,
/// its report read as JSON or text.
/// </summary>
public sealed partial class LiveClusterTests
{
    [Fact]
    public async Task Explain_command_on_a_pod_created_before_its_annotation_behind_a_webhook_without_endpoints()
    {
        var ns = await NewNamespaceAsync();
        var configuration = "explain-live-" + ns;
        try
        {
            await plane.Rest.CreateServiceAccountAsync(ns, "app");
            await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/pods", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["name"] = "web", ["labels"] = new JsonObject { ["explain-live/selected"] = "yes" } },
                ["spec"] = PodSpec(new JsonObject { ["serviceAccountName"] = "app" }),
            });
            await CreateServiceAsync(ns, "idle-webhook", selector: true);
            await plane.Rest.CreateAsync(WebhookConfigurations, new JsonObject
            {
                ["apiVersion"] = "admissionregistration.k8s.io/v1",
                ["kind"] = "MutatingWebhookConfiguration",
                ["metadata"] = new JsonObject { ["name"] = configuration },
                ["webhooks"] = new JsonArray(Webhook("idle.explain.example", ns, "idle-webhook", PodRule("CREATE"))),
            });
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await AnnotateRoleByApplyAsync(ns, "app");

            var (exitCode, stdout, stderr) = await ExplainProcessAsync("--kubeconfig", plane.KubeconfigPath, "--namespace", ns, $"{ns}/web", "--output", "json");

            Assert.True(exitCode == ExplainCommand.ExitNotInjected, $"exit {exitCode}\n{stdout}\n{stderr}");
            var answer = JsonNode.Parse(stdout)!;
            Assert.True(answer["webhook"]!["called"]!.GetValue<bool>(), stdout);
            Assert.Equal(configuration, answer["webhook"]!["configuration"]!.GetValue<string>());
            Assert.False(answer["injected"]!.GetValue<bool>(), stdout);
            Assert.Equal(Roles.Arn("reader"), answer["identity"]!["roleArn"]!.GetValue<string>());
            var codes = answer["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()).ToList();
            Assert.Contains("pod-predates-annotation", codes);
            Assert.Contains("webhook-no-endpoints", codes);
            Assert.Contains(answer["notes"]!.AsArray(), n => n!.GetValue<string>().Contains($"{configuration}/idle.explain.example", StringComparison.Ordinal));
        }
        finally
        {
            await plane.Rest.DeleteAsync($"{WebhookConfigurations}/{configuration}");
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    [OwnControlPlaneFact]
    public async Task Explain_command_without_a_pod_webhook_registered_says_the_webhook_is_not_called()
    {
        var ns = await NewNamespaceAsync();
        try
        {
            await plane.Rest.CreateServiceAccountAsync(ns, "app", new Dictionary<string, string> { [Roles.AnnotationKey] = Roles.Arn("reader") });
            await CreatePodAsync(ns, "web", new JsonObject { ["serviceAccountName"] = "app" });

            var (exitCode, stdout, stderr) = await ExplainProcessAsync("--kubeconfig", plane.KubeconfigPath, $"pod/{ns}/web");

            Assert.True(exitCode == ExplainCommand.ExitNotInjected, $"exit {exitCode}\n{stdout}\n{stderr}");
            Assert.Contains("Webhook: NOT called: no MutatingWebhookConfiguration registers a webhook for pod creation", stdout, StringComparison.Ordinal);
            Assert.Contains("Identity: web identity (IRSA)", stdout, StringComparison.Ordinal);
            Assert.Contains("OIDC issuer (from the API server): https://kubernetes.default.svc", stdout, StringComparison.Ordinal);
        }
        finally
        {
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    /// <summary>The product binary's explain, as a user runs it.</summary>
    private static Task<(int ExitCode, string Stdout, string Stderr)> ExplainProcessAsync(params string[] args)
    {
        var (program, prefix) = RunningWebhook.Command(RunningWebhook.Product);
        return Tool.RunAsync(program, [.. prefix, "explain", .. args]);
    }
}
