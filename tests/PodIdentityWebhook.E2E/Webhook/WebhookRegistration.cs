using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// A MutatingWebhookConfiguration like the one the project ships (pods on CREATE, v1 and
/// v1beta1 reviews, no side effects, reinvocation if needed, opt-out label), scoped to one
/// namespace label so scenarios with different webhook flags never meet.
/// </summary>
internal static class WebhookRegistration
{
    public const string ScopeLabel = "pod-identity-webhook-e2e/scope";

    /// <summary>
    /// Registers <paramref name="webhook"/> for pods in namespaces labelled with
    /// <paramref name="scope"/>. <paramref name="reviewVersions"/> are the AdmissionReview
    /// versions offered, v1 and v1beta1 by default; the API server sends the first it knows.
    /// </summary>
    public static async Task<string> RegisterAsync(
        KubeRest rest, RunningWebhook webhook, string scope, string failurePolicy = "Ignore", string[]? reviewVersions = null)
    {
        var name = "pod-identity-webhook-" + scope;
        var caBundle = Convert.ToBase64String(Encoding.ASCII.GetBytes(webhook.CaPem));
        await rest.CreateAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1",
            ["kind"] = "MutatingWebhookConfiguration",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["webhooks"] = new JsonArray(new JsonObject
            {
                ["name"] = "pod-identity-webhook.amazonaws.com",
                ["clientConfig"] = new JsonObject { ["url"] = webhook.Url.ToString(), ["caBundle"] = caBundle },
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["operations"] = new JsonArray("CREATE"),
                    ["apiGroups"] = new JsonArray(""),
                    ["apiVersions"] = new JsonArray("v1"),
                    ["resources"] = new JsonArray("pods"),
                }),
                ["admissionReviewVersions"] = new JsonArray([.. (reviewVersions ?? ["v1", "v1beta1"]).Select(v => JsonValue.Create(v))]),
                ["sideEffects"] = "None",
                ["failurePolicy"] = failurePolicy,
                ["reinvocationPolicy"] = "IfNeeded",
                ["timeoutSeconds"] = 10,
                ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [ScopeLabel] = scope } },
                ["objectSelector"] = new JsonObject
                {
                    ["matchExpressions"] = new JsonArray(new JsonObject
                    {
                        ["key"] = "eks.amazonaws.com/skip-pod-identity-webhook",
                        ["operator"] = "DoesNotExist",
                    }),
                },
            }),
        });
        return name;
    }

    public static Task DeleteAsync(KubeRest rest, string name) =>
        rest.DeleteAsync($"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}");

    public static Task<JsonNode> CreateScopedNamespaceAsync(KubeRest rest, string name, string scope) =>
        rest.CreateAsync("/api/v1/namespaces", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { [ScopeLabel] = scope },
            },
        });
}
