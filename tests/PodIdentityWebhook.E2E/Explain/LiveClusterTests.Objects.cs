using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.E2E.Explain;

/// <summary>The objects the live-mode tests create, and the API client they read through.</summary>
public sealed partial class LiveClusterTests
{
    private KubernetesApi AdminApi() => new(KubernetesConnections.FromFlags(plane.KubeconfigPath, ""));

    /// <summary>A namespace labelled with its own name, which the test webhooks select.</summary>
    private async Task<string> NewNamespaceAsync()
    {
        var name = "e2e-explain-" + Guid.NewGuid().ToString("N")[..8];
        await plane.Rest.CreateAsync("/api/v1/namespaces", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { ["explain-live/namespace"] = name },
            },
        });
        return name;
    }

    private Task<JsonNode> CreatePodAsync(string ns, string name, JsonObject spec) =>
        plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = PodSpec(spec),
        });

    /// <summary>A service; with a selector no pod matches, or without one for endpoints written by hand.</summary>
    private Task<JsonNode> CreateServiceAsync(string ns, string name, bool selector)
    {
        var spec = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["targetPort"] = 8443 }) };
        if (selector)
        {
            spec["selector"] = new JsonObject { ["app"] = "nothing-runs-this-" + name };
        }

        return plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/services", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        });
    }

    /// <summary>
    /// A ready endpoint for the service, as an EndpointSlice where discovery.k8s.io/v1 is served
    /// (1.21 on), else as Endpoints (the suite's 1.20 API server), which explain falls back to.
    /// </summary>
    private async Task CreateReadyEndpointAsync(string ns, string service)
    {
        if (await plane.Rest.GetStatusAsync("/apis/discovery.k8s.io/v1") == HttpStatusCode.OK)
        {
            await plane.Rest.CreateAsync($"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", new JsonObject
            {
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["kind"] = "EndpointSlice",
                ["metadata"] = new JsonObject
                {
                    ["name"] = service + "-manual",
                    ["labels"] = new JsonObject
                    {
                        ["kubernetes.io/service-name"] = service,
                        ["endpointslice.kubernetes.io/managed-by"] = "explain-e2e",
                    },
                },
                ["addressType"] = "IPv4",
                ["endpoints"] = new JsonArray(new JsonObject
                {
                    ["addresses"] = new JsonArray("10.1.2.3"),
                    ["conditions"] = new JsonObject { ["ready"] = true },
                }),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 8443, ["protocol"] = "TCP" }),
            });
            return;
        }

        await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/endpoints", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject { ["name"] = service },
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["ip"] = "10.1.2.3" }),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 8443, ["protocol"] = "TCP" }),
            }),
        });
    }

    private static JsonObject PodSpec(JsonObject fields)
    {
        fields["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "busybox" });
        return fields;
    }

    private static JsonObject PodRule(string operation) => new()
    {
        ["operations"] = new JsonArray(operation),
        ["apiGroups"] = new JsonArray(""),
        ["apiVersions"] = new JsonArray("v1"),
        ["resources"] = new JsonArray("pods"),
    };

    /// <summary>A webhook scoped to the test's namespace and to pods nothing labels, so it never calls out.</summary>
    private static JsonObject Webhook(string name, string ns, string service, JsonObject rule) => new()
    {
        ["name"] = name,
        ["clientConfig"] = new JsonObject
        {
            ["service"] = new JsonObject { ["namespace"] = ns, ["name"] = service, ["path"] = "/mutate", ["port"] = 443 },
            ["caBundle"] = Convert.ToBase64String("not a CA, never used"u8.ToArray()),
        },
        ["rules"] = new JsonArray(rule),
        ["admissionReviewVersions"] = new JsonArray("v1"),
        ["sideEffects"] = "None",
        ["failurePolicy"] = "Ignore",
        ["timeoutSeconds"] = 5,
        ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["explain-live/namespace"] = ns } },
        ["objectSelector"] = new JsonObject
        {
            ["matchExpressions"] = new JsonArray(new JsonObject
            {
                ["key"] = "explain-live/selected",
                ["operator"] = "In",
                ["values"] = new JsonArray("yes"),
            }),
        },
    };
}
