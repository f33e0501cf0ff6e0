using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.E2E.Explain;

/// <summary>
/// <c>explain</c>'s live read (<see cref="LiveCluster"/>) against the real API server: webhook
/// registrations and their services' endpoints, the role annotation's time from managedFields,
/// workload templates and the deprecated serviceAccount field, an exec-plugin identity, and an
/// identity whose missing RBAC turns into notes.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed partial class LiveClusterTests(ControlPlaneFixture plane)
{
    private const string WebhookConfigurations = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
    private const string ConfigMapName = "pod-identity-webhook";

    [Fact]
    public async Task Pod_webhook_with_selectors_and_a_service_without_endpoints_is_found()
    {
        var ns = await NewNamespaceAsync();
        var configuration = "explain-live-" + ns;
        try
        {
            await plane.Rest.CreateServiceAccountAsync(ns, "app");
            await CreatePodAsync(ns, "web", new JsonObject { ["serviceAccountName"] = "app" });
            await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/configmaps", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = ConfigMapName },
                ["data"] = new JsonObject { ["config"] = "{}" },
            });
            await CreateServiceAsync(ns, "idle-webhook", selector: true);
            await CreateServiceAsync(ns, "ready-webhook", selector: false);
            await CreateReadyEndpointAsync(ns, "ready-webhook");
            await plane.Rest.CreateAsync(WebhookConfigurations, new JsonObject
            {
                ["apiVersion"] = "admissionregistration.k8s.io/v1",
                ["kind"] = "MutatingWebhookConfiguration",
                ["metadata"] = new JsonObject { ["name"] = configuration },
                ["webhooks"] = new JsonArray(
                    Webhook("idle.explain.example", ns, "idle-webhook", PodRule("CREATE")),
                    Webhook("ready.explain.example", ns, "ready-webhook", PodRule("*"))),
            });

            using var api = AdminApi();
            var snapshot = await LiveCluster.ReadAsync(api, LiveTarget.Parse($"{ns}/web", "default"), ns, ConfigMapName, CancellationToken.None);

            var idle = Assert.Single(snapshot.Webhooks, w => w.Configuration == configuration && w.Name == "idle.explain.example");
            Assert.Equal("Ignore", idle.FailurePolicy);
            Assert.Equal(ns, idle.ServiceNamespace);
            Assert.Equal("idle-webhook", idle.ServiceName);
            Assert.Null(idle.Url);
            Assert.True(idle.HasCaBundle);
            Assert.False(idle.ServiceHasReadyEndpoints);
            Assert.Equal(ns, idle.NamespaceSelector!["matchLabels"]!["explain-live/namespace"]!.GetValue<string>());
            Assert.Equal("In", idle.ObjectSelector!["matchExpressions"]![0]!["operator"]!.GetValue<string>());
            var ready = Assert.Single(snapshot.Webhooks, w => w.Configuration == configuration && w.Name == "ready.explain.example");
            Assert.True(ready.ServiceHasReadyEndpoints);

            Assert.Equal("web", snapshot.Workload["metadata"]!["name"]!.GetValue<string>());
            Assert.Equal(ns, snapshot.Namespace!["metadata"]!["labels"]!["explain-live/namespace"]!.GetValue<string>());
            Assert.Equal("app", snapshot.ServiceAccountName);
            Assert.NotNull(snapshot.ServiceAccount);
            Assert.Null(snapshot.RoleAnnotationSetAt);
            Assert.NotNull(snapshot.PodCreatedAt);
            Assert.Equal("{}", snapshot.ConfigMap!["data"]!["config"]!.GetValue<string>());
            if (ClusterSelection.UsesOwnControlPlane)
            {
                Assert.Equal("https://kubernetes.default.svc", snapshot.OidcIssuer);
                Assert.Empty(snapshot.Notes);
            }
        }
        finally
        {
            await plane.Rest.DeleteAsync($"{WebhookConfigurations}/{configuration}");
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    [Fact]
    public async Task Webhooks_for_other_resources_or_operations_are_not_pod_webhooks()
    {
        var ns = await NewNamespaceAsync();
        var configuration = "explain-live-" + ns;
        try
        {
            // k3s makes the default ServiceAccount itself; the suite's own control plane does not.
            await plane.Rest.ApplyAsync($"/api/v1/namespaces/{ns}/serviceaccounts", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ServiceAccount",
                ["metadata"] = new JsonObject { ["name"] = "default" },
            });
            await CreatePodAsync(ns, "web", []);
            using var api = AdminApi();
            var target = LiveTarget.Parse($"pod/{ns}/web", "default");
            var before = await LiveCluster.ReadAsync(api, target, ns, ConfigMapName, CancellationToken.None);

            var configMapRule = PodRule("CREATE");
            configMapRule["resources"] = new JsonArray("configmaps");
            await plane.Rest.CreateAsync(WebhookConfigurations, new JsonObject
            {
                ["apiVersion"] = "admissionregistration.k8s.io/v1",
                ["kind"] = "MutatingWebhookConfiguration",
                ["metadata"] = new JsonObject { ["name"] = configuration },
                ["webhooks"] = new JsonArray(
                    Webhook("configmaps.explain.example", ns, "idle-webhook", configMapRule),
                    Webhook("pod-updates.explain.example", ns, "idle-webhook", PodRule("UPDATE"))),
            });
            var snapshot = await LiveCluster.ReadAsync(api, target, ns, ConfigMapName, CancellationToken.None);

            Assert.DoesNotContain(snapshot.Webhooks, w => w.Configuration == configuration);
            Assert.Equal(before.Webhooks.Select(w => (w.Configuration, w.Name)), snapshot.Webhooks.Select(w => (w.Configuration, w.Name)));
            if (ClusterSelection.UsesOwnControlPlane)
            {
                Assert.Empty(snapshot.Webhooks);
            }

            Assert.Null(snapshot.ConfigMap);
            Assert.Equal("default", snapshot.ServiceAccountName);
        }
        finally
        {
            await plane.Rest.DeleteAsync($"{WebhookConfigurations}/{configuration}");
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    [Fact]
    public async Task Role_annotated_after_the_pod_was_created_is_dated_after_it()
    {
        var ns = await NewNamespaceAsync();
        try
        {
            await plane.Rest.CreateServiceAccountAsync(ns, "app");
            await CreatePodAsync(ns, "web", new JsonObject { ["serviceAccountName"] = "app" });
            // managedFields and creationTimestamp have second precision.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await AnnotateRoleByApplyAsync(ns, "app");

            using var api = AdminApi();
            var snapshot = await LiveCluster.ReadAsync(api, LiveTarget.Parse($"{ns}/web", "default"), ns, ConfigMapName, CancellationToken.None);

            Assert.NotNull(snapshot.PodCreatedAt);
            Assert.NotNull(snapshot.RoleAnnotationSetAt);
            Assert.True(snapshot.RoleAnnotationSetAt > snapshot.PodCreatedAt,
                $"annotation set at {snapshot.RoleAnnotationSetAt:O}, pod created at {snapshot.PodCreatedAt:O}");
            Assert.Equal(Roles.Arn("reader"), snapshot.ServiceAccount!["metadata"]!["annotations"]![Roles.AnnotationKey]!.GetValue<string>());
        }
        finally
        {
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    // The plugin hands out the control plane's static admin token, as in ExecPluginTests.
    [OwnControlPlaneFact]
    public async Task Read_through_an_exec_plugin_kubeconfig()
    {
        var ns = await NewNamespaceAsync();
        var folder = Directory.CreateTempSubdirectory("piw-explain-exec-").FullName;
        try
        {
            await plane.Rest.CreateServiceAccountAsync(ns, "app", Roles.Annotations("reader"));
            await CreatePodAsync(ns, "web", new JsonObject { ["serviceAccountName"] = "app" });
            var (kubeconfig, calls) = plane.WriteExecPluginKubeconfig(folder);

            using var api = new KubernetesApi(KubernetesConnections.FromFlags(kubeconfig, ""));
            var snapshot = await LiveCluster.ReadAsync(api, LiveTarget.Parse("web", ns), ns, ConfigMapName, CancellationToken.None);

            Assert.Equal("web", snapshot.Workload["metadata"]!["name"]!.GetValue<string>());
            Assert.NotNull(snapshot.ServiceAccount);
            Assert.NotNull(snapshot.RoleAnnotationSetAt);
            Assert.Equal("https://kubernetes.default.svc", snapshot.OidcIssuer);
            Assert.Empty(snapshot.Notes);
            Assert.NotEmpty(File.ReadAllLines(calls));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    [Fact]
    public async Task Deployment_template_and_deprecated_service_account_field_name_the_service_account()
    {
        var ns = await NewNamespaceAsync();
        try
        {
            await plane.Rest.CreateServiceAccountAsync(ns, "deployer", Roles.Annotations("deployer"));
            await plane.Rest.CreateServiceAccountAsync(ns, "legacy");
            await plane.Rest.CreateAsync($"/apis/apps/v1/namespaces/{ns}/deployments", new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "Deployment",
                ["metadata"] = new JsonObject { ["name"] = "web" },
                ["spec"] = new JsonObject
                {
                    ["replicas"] = 0,
                    ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
                    ["template"] = new JsonObject
                    {
                        ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                        ["spec"] = PodSpec(new JsonObject { ["serviceAccountName"] = "deployer" }),
                    },
                },
            });
            await CreatePodAsync(ns, "old", new JsonObject { ["serviceAccount"] = "legacy" });

            using var api = AdminApi();
            var deployment = await LiveCluster.ReadAsync(api, LiveTarget.Parse($"deploy/{ns}/web", "default"), ns, ConfigMapName, CancellationToken.None);
            Assert.Equal("Deployment", deployment.Workload["kind"]!.GetValue<string>());
            Assert.Equal("deployer", deployment.ServiceAccountName);
            Assert.Equal("deployer", deployment.ServiceAccount!["metadata"]!["name"]!.GetValue<string>());
            Assert.NotNull(deployment.RoleAnnotationSetAt);
            Assert.Null(deployment.PodCreatedAt);

            var legacy = await LiveCluster.ReadAsync(api, LiveTarget.Parse($"{ns}/old", "default"), ns, ConfigMapName, CancellationToken.None);
            Assert.Equal("legacy", legacy.ServiceAccountName);
            Assert.NotNull(legacy.ServiceAccount);

            var missing = await Assert.ThrowsAsync<ConfigurationException>(
                () => LiveCluster.ReadAsync(api, LiveTarget.Parse($"{ns}/absent", "default"), ns, ConfigMapName, CancellationToken.None));
            Assert.Equal($"pod {ns}/absent not found", missing.Message);
        }
        finally
        {
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    [Fact]
    public async Task Reads_the_identity_may_not_make_become_notes()
    {
        var ns = await NewNamespaceAsync();
        var folder = Directory.CreateTempSubdirectory("piw-explain-rbac-").FullName;
        try
        {
            await plane.Rest.CreateServiceAccountAsync(ns, "explainer");
            await CreatePodAsync(ns, "web", new JsonObject { ["serviceAccountName"] = "explainer" });
            await plane.Rest.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", new JsonObject
            {
                ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                ["kind"] = "Role",
                ["metadata"] = new JsonObject { ["name"] = "pods-only" },
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["apiGroups"] = new JsonArray(""),
                    ["resources"] = new JsonArray("pods"),
                    ["verbs"] = new JsonArray("get"),
                }),
            });
            await plane.Rest.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", new JsonObject
            {
                ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                ["kind"] = "RoleBinding",
                ["metadata"] = new JsonObject { ["name"] = "pods-only" },
                ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = "pods-only" },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "explainer", ["namespace"] = ns }),
            });
            var token = await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/serviceaccounts/explainer/token", new JsonObject
            {
                ["apiVersion"] = "authentication.k8s.io/v1",
                ["kind"] = "TokenRequest",
                ["spec"] = new JsonObject { ["expirationSeconds"] = 3600 },
            });
            var kubeconfig = Path.Combine(folder, "kubeconfig");
            plane.WriteKubeconfig(kubeconfig, token["status"]!["token"]!.GetValue<string>());

            using var api = new KubernetesApi(KubernetesConnections.FromFlags(kubeconfig, ""));
            var target = LiveTarget.Parse($"{ns}/web", "default");
            var snapshot = await LiveCluster.ReadAsync(api, target, ns, ConfigMapName, CancellationToken.None);

            Assert.Equal("explainer", snapshot.ServiceAccountName);
            Assert.Null(snapshot.Namespace);
            Assert.Null(snapshot.ServiceAccount);
            Assert.Null(snapshot.ConfigMap);
            Assert.Empty(snapshot.Webhooks);
            const string Forbidden = ": forbidden; the RBAC explain needs is in docs/troubleshooting.md";
            Assert.Contains($"cannot read namespace {ns}{Forbidden}", snapshot.Notes);
            Assert.Contains($"cannot read serviceaccount {ns}/explainer{Forbidden}", snapshot.Notes);
            Assert.Contains($"cannot read configmap {ns}/{ConfigMapName}{Forbidden}", snapshot.Notes);
            Assert.Contains($"cannot read mutatingwebhookconfigurations{Forbidden}", snapshot.Notes);

            var deployment = await Assert.ThrowsAsync<ConfigurationException>(
                () => LiveCluster.ReadAsync(api, LiveTarget.Parse($"deploy/{ns}/web", "default"), ns, ConfigMapName, CancellationToken.None));
            Assert.Equal($"cannot read deployment {ns}/web{Forbidden}", deployment.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            await plane.Rest.DeleteAsync($"/api/v1/namespaces/{ns}");
        }
    }

    /// <summary>
    /// Annotates the ServiceAccount with a role by server-side apply, as GitOps tools do: the
    /// 1.20 API server the suite builds records no managedFields for plain updates of an object
    /// never applied.
    /// </summary>
    private Task AnnotateRoleByApplyAsync(string ns, string name) =>
        plane.Rest.ServerSideApplyAsync($"/api/v1/namespaces/{ns}/serviceaccounts/{name}", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ServiceAccount",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["annotations"] = new JsonObject { [Roles.AnnotationKey] = Roles.Arn("reader") },
            },
        }, "explain-e2e");
}
