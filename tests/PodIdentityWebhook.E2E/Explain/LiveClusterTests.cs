using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Webhook;
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
public sealed class LiveClusterTests(ControlPlaneFixture plane)
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
            const string Forbidden = ": forbidden; the RBAC explain needs is in the README";
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

    /// <summary>The product binary's explain, as a user runs it.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> ExplainProcessAsync(params string[] args)
    {
        var (program, prefix) = RunningWebhook.Command(RunningWebhook.Product);
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in prefix.Append("explain").Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

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
