using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// explain's live mode: the pod or workload, its ServiceAccount, the ConfigMap and the webhook
/// registrations read from the cluster (read-only), explained as offline, plus what only the
/// cluster can tell: which registration applies, whether its service has ready endpoints, and
/// whether a running pod predates its ServiceAccount's role annotation.
/// </summary>
internal static class LiveExplain
{
    /// <summary>The kubeconfig for live mode: --kubeconfig, else $KUBECONFIG's first file, else ~/.kube/config when it exists.</summary>
    public static string Kubeconfig(WebhookOptions options)
    {
        if (options.Kubeconfig.Length > 0)
        {
            return options.Kubeconfig;
        }

        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } variable)
        {
            return variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0];
        }

        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(home) ? home : "";
    }

    public static async Task<Explanation> ExplainAsync(
        WebhookOptions options,
        AwsAccountInfo? account,
        string reference,
        string? podNamespace,
        TrustPolicyDocument? trustPolicy,
        string? issuer,
        IRandomSource random,
        CancellationToken cancellationToken)
    {
        var kubeconfig = Kubeconfig(options);
        if (kubeconfig.Length == 0 && options.KubeApi.Length == 0)
        {
            throw new ConfigurationException($"--pod {reference}: no such file, and no kubeconfig to read it from a cluster (--kubeconfig, $KUBECONFIG, ~/.kube/config)");
        }

        using var api = KubernetesConnections.Connect(kubeconfig, options.KubeApi);
        var target = LiveTarget.Parse(reference, podNamespace ?? ExplainTarget.DefaultNamespace);
        var snapshot = await LiveCluster.ReadAsync(
            api, target, options.Namespace, IdentityConstants.ConfigMapName, cancellationToken, options.AnnotationPrefix);

        var accounts = new List<ServiceAccountIdentity>();
        var manifests = new Dictionary<(string, string), JsonObject>();
        var explainTarget = ExplainTarget.Of(snapshot.Workload, podNamespace, $"live, {target}");
        if (snapshot.ServiceAccount is { } serviceAccount)
        {
            var parser = new ServiceAccountParser(options, NullLogger<ServiceAccountParser>.Instance, account);
            var identity = ExplainInputs.ParseServiceAccount(serviceAccount, parser, explainTarget.Namespace);
            accounts.Add(identity);
            manifests[(identity.Namespace, identity.Name)] = serviceAccount;
        }

        var configMap = snapshot.ConfigMap is { } map
            ? ExplainInputs.ParseConfigMap(options, map.ToJsonString(), $"ConfigMap {options.Namespace}/{IdentityConstants.ConfigMapName}")
            : ConfigMapEntries.Empty;
        var inputs = new ExplainInputs(
            [explainTarget], new ServiceAccountSnapshot(accounts), manifests, configMap, ExplainInputs.LoadContainerCredentials(options));

        var namespaceLabels = LabelSelector.LabelsOf(snapshot.Namespace?["metadata"]);
        namespaceLabels.TryAdd("kubernetes.io/metadata.name", explainTarget.Namespace);
        var podLabels = LabelSelector.LabelsOf(explainTarget.Pod["metadata"]);
        var registration = snapshot.Webhooks.FirstOrDefault(w => w.Excludes(namespaceLabels, podLabels) is null) ?? (snapshot.Webhooks.Count > 0 ? snapshot.Webhooks[0] : null);

        var explanation = await ExplainCommand.ExplainAsync(
            options, inputs, explainTarget, registration, namespaceLabels, trustPolicy, issuer ?? snapshot.OidcIssuer, random, cancellationToken);
        var notes = new List<string>(snapshot.Notes);
        notes.AddRange(snapshot.Webhooks.Select(Describe));
        if (issuer is null && snapshot.OidcIssuer is { } published)
        {
            notes.Add($"OIDC issuer (from the API server): {published}");
        }

        var warnings = explanation.Warnings.ToList();
        if (registration is { ServiceHasReadyEndpoints: false })
        {
            warnings.Add(new("webhook-no-endpoints",
                $"the webhook's service {registration.ServiceNamespace}/{registration.ServiceName} has no ready endpoint: the API server cannot call it"
                + (registration.FailurePolicy == "Ignore" ? ", and with failurePolicy Ignore pods are created without credentials" : ", and with failurePolicy Fail pod creation fails"),
                $"get the webhook's pods ready (kubectl -n {registration.ServiceNamespace} get pods), then restart the pods created meanwhile"));
        }

        string[] credentialVariables = [PodNames.AwsRoleArnEnv, PodNames.AwsContainerCredentialsFullUriEnv];
        var runningWithout = target.IsPod && explanation.Containers.Any(c => c.Injected.Any(credentialVariables.Contains));
        if (snapshot.PodCreatedAt is { } created && snapshot.RoleAnnotationSetAt is { } annotated && created < annotated)
        {
            warnings.Add(new("pod-predates-annotation",
                $"the pod was created {created.ToString("u", CultureInfo.InvariantCulture)}, before its ServiceAccount got {options.AnnotationPrefix}/{IdentityConstants.RoleArnAnnotation} ({annotated.ToString("u", CultureInfo.InvariantCulture)}): the webhook only acts when a pod is created",
                "restart it (kubectl delete pod, or kubectl rollout restart its workload)"));
        }
        else if (runningWithout)
        {
            warnings.Add(new("pod-created-without-injection",
                "this running pod lacks what the webhook would inject now: it was admitted before the identity existed, or while the webhook was unreachable",
                "restart it (kubectl delete pod, or kubectl rollout restart its workload)"));
        }

        return explanation with { Warnings = warnings, Notes = notes, RunningWithoutCredentials = runningWithout };
    }

    private static string Describe(WebhookRegistration webhook)
    {
        var where = webhook.Url ?? $"service {webhook.ServiceNamespace}/{webhook.ServiceName}";
        var endpoints = webhook.ServiceHasReadyEndpoints switch
        {
            true => "ready endpoints",
            false => "NO ready endpoint",
            null => "endpoints unknown",
        };
        return $"registered: {webhook.Configuration}/{webhook.Name} → {where} ({endpoints}), failurePolicy {webhook.FailurePolicy}{(webhook.HasCaBundle ? "" : ", no caBundle")}";
    }
}
