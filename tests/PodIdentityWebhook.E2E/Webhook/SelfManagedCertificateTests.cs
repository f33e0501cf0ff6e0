using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// --self-managed-certificate against the real API server, under the shipped RBAC: two
/// replicas start from nothing (no Secret, a configuration with an empty caBundle and
/// failurePolicy Fail that calls both), agree on one Secret, publish its CA, and survive
/// forced rotations of the serving certificate and of the CA without a failed pod creation.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class SelfManagedCertificateTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private const string Name = "pod-identity-webhook";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_replicas_share_one_self_managed_certificate_and_rotate_it_without_failing_a_pod()
    {
        // The base's RBAC and what the self-managed-certificates overlay adds to it.
        var rbac = ShippedManifests.Read("deploy/base/rbac.yaml");
        await ShippedManifests.ApplyAsync(plane.Rest, [
            .. ShippedManifests.Read("deploy/base/namespace.yaml"), .. rbac, .. ShippedManifests.Read("deploy/overlays/self-managed-certificates/rbac.yaml")]);
        var home = rbac.Single(d => d["kind"]!.GetValue<string>() == "ServiceAccount")["metadata"]!["namespace"]!.GetValue<string>();
        var secretPath = $"/api/v1/namespaces/{home}/secrets/{Name}";
        var configurationPath = $"/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{Name}";
        await DeleteIfPresentAsync(secretPath);
        await DeleteIfPresentAsync(configurationPath);

        var scope = "selfmanaged-" + Guid.NewGuid().ToString("N")[..6];
        var ns = "e2e-" + scope;
        await WebhookRegistration.CreateScopedNamespaceAsync(plane.Rest, ns, scope);
        await plane.Rest.CreateServiceAccountAsync(ns, "app", Roles.Annotations("self-managed"));

        var folder = Directory.CreateTempSubdirectory("piw-selfmanaged-rbac-").FullName;
        var kubeconfig = Path.Combine(folder, "kubeconfig");
        plane.WriteKubeconfig(kubeconfig, await RequestTokenAsync(home, Name));
        string[] flags = ["--namespace", home, "--tls-secret", Name, "--webhook-configuration-name", Name, "--self-managed-certificate-ca-overlap", "4s"];
        await using var first = SelfManagedWebhook.Start(plane.WebhookHost, kubeconfig, flags);
        await using var second = SelfManagedWebhook.Start(plane.WebhookHost, kubeconfig, flags);
        SelfManagedWebhook[] replicas = [first, second];
        try
        {
            await RegisterAsync(scope, replicas);
            await Poll.UntilAsync(async () => await first.IsReadyAsync() && await second.IsReadyAsync(), Deadline, "both replicas ready");

            Assert.Equal(1, replicas.Sum(r => r.Count("Create written to Secret")));
            var secret = (await plane.Rest.GetAsync(secretPath))!;
            Assert.Equal("kubernetes.io/tls", secret["type"]!.GetValue<string>());
            var caPem = Data(secret, "ca.crt");
            var configuration = (await plane.Rest.GetAsync(configurationPath))!;
            Assert.All(configuration["webhooks"]!.AsArray(), w => Assert.Equal(caPem, Encoding.UTF8.GetString(Convert.FromBase64String(w!["clientConfig"]!["caBundle"]!.GetValue<string>()))));
            var original = await AssertBothServeAsync(replicas, secret);
            Assert.Equal(Roles.Arn("self-managed"), ScenarioPods.Env(await ScenarioPods.CreateAsync(plane.Rest, ns, "app"), "AWS_ROLE_ARN"));

            // A forced serving rotation: same CA, so the caBundle stays.
            await AnnotateAsync(secretPath, "pod-identity-webhook.amazonaws.com/rotate");
            var rotated = await CreatePodsUntilAsync(ns, replicas, secretPath, s => Data(s, "tls.crt") != Data(secret, "tls.crt"));
            Assert.Equal(1, replicas.Sum(r => r.Count("RenewServing written to Secret")));
            Assert.Equal(caPem, Data(rotated, "ca.crt"));
            Assert.Null(rotated["metadata"]!["annotations"]?["pod-identity-webhook.amazonaws.com/rotate"]);
            Assert.NotEqual(original, await AssertBothServeAsync(replicas, rotated));

            // A forced CA rotation: the new CA is published first, the leaf follows after the overlap.
            await AnnotateAsync(secretPath, "pod-identity-webhook.amazonaws.com/rotate-ca");
            var renewed = await CreatePodsUntilAsync(ns, replicas, secretPath, s => !caPem.Contains(FirstCertificate(Data(s, "tls.crt")), StringComparison.Ordinal) && Data(s, "tls.crt") != Data(rotated, "tls.crt"));
            Assert.Equal(1, replicas.Sum(r => r.Count("StartCaRotation written to Secret")));
            Assert.Equal(1, replicas.Sum(r => r.Count("FinishCaRotation written to Secret")));
            Assert.EndsWith(caPem.Trim(), Data(renewed, "ca.crt").Trim(), StringComparison.Ordinal);
            await AssertBothServeAsync(replicas, renewed);
            Assert.Equal(Roles.Arn("self-managed"), ScenarioPods.Env(await ScenarioPods.CreateAsync(plane.Rest, ns, "app"), "AWS_ROLE_ARN"));
        }
        catch
        {
            output.WriteLine(first.Tail());
            output.WriteLine(second.Tail());
            throw;
        }
        finally
        {
            await DeleteIfPresentAsync(configurationPath);
            await DeleteIfPresentAsync(secretPath);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Creates pods (each must be mutated: failurePolicy is Fail) until the Secret meets <paramref name="done"/> and both replicas serve it.</summary>
    private async Task<JsonNode> CreatePodsUntilAsync(string ns, SelfManagedWebhook[] replicas, string secretPath, Func<JsonNode, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pods = 0;
        while (true)
        {
            var pod = await ScenarioPods.CreateAsync(plane.Rest, ns, "app");
            pods++;
            Assert.Equal(Roles.Arn("self-managed"), ScenarioPods.Env(pod, "AWS_ROLE_ARN"));
            var secret = (await plane.Rest.GetAsync(secretPath))!;
            if (done(secret) && await ServeAsync(replicas, secret))
            {
                output.WriteLine($"{pods} pods created during the rotation ({clock.Elapsed.TotalSeconds:F1} s)");
                return secret;
            }

            Assert.True(clock.Elapsed < Deadline, "the rotation did not complete within 60 s");
            await Task.Delay(100);
        }
    }

    private static async Task<bool> ServeAsync(SelfManagedWebhook[] replicas, JsonNode secret)
    {
        using var expected = X509Certificate2.CreateFromPem(Data(secret, "tls.crt"));
        foreach (var replica in replicas)
        {
            using var served = await replica.ServedCertificateAsync();
            if (served.Thumbprint != expected.Thumbprint)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Both replicas serve the Secret's tls.crt (checked by handshakes until they do); its thumbprint.</summary>
    private static async Task<string> AssertBothServeAsync(SelfManagedWebhook[] replicas, JsonNode secret)
    {
        await Poll.UntilAsync(() => ServeAsync(replicas, secret), TimeSpan.FromSeconds(10), "both replicas serve the Secret's certificate");
        using var expected = X509Certificate2.CreateFromPem(Data(secret, "tls.crt"));
        return expected.Thumbprint;
    }

    private async Task RegisterAsync(string scope, SelfManagedWebhook[] replicas) =>
        await plane.Rest.CreateAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1",
            ["kind"] = "MutatingWebhookConfiguration",
            ["metadata"] = new JsonObject { ["name"] = Name },
            ["webhooks"] = new JsonArray([.. replicas.Select((replica, i) => (JsonNode)new JsonObject
            {
                ["name"] = $"replica-{i}.pod-identity-webhook.amazonaws.com",
                ["clientConfig"] = new JsonObject { ["url"] = replica.Url.ToString() },
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["operations"] = new JsonArray("CREATE"),
                    ["apiGroups"] = new JsonArray(""),
                    ["apiVersions"] = new JsonArray("v1"),
                    ["resources"] = new JsonArray("pods"),
                }),
                ["admissionReviewVersions"] = new JsonArray("v1"),
                ["sideEffects"] = "None",
                ["failurePolicy"] = "Fail",
                ["timeoutSeconds"] = 10,
                ["namespaceSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { [WebhookRegistration.ScopeLabel] = scope } },
            })]),
        });

    private Task AnnotateAsync(string secretPath, string annotation) =>
        plane.Rest.MergePatchAsync(secretPath, new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [annotation] = "true" } },
        });

    private async Task DeleteIfPresentAsync(string path)
    {
        if (await plane.Rest.GetAsync(path) is not null)
        {
            await plane.Rest.DeleteAsync(path);
        }
    }

    private async Task<string> RequestTokenAsync(string ns, string serviceAccount)
    {
        var answer = await plane.Rest.CreateAsync($"/api/v1/namespaces/{ns}/serviceaccounts/{serviceAccount}/token", new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = new JsonObject { ["expirationSeconds"] = 3600 },
        });
        return answer["status"]!["token"]!.GetValue<string>();
    }

    private static string Data(JsonNode secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![key]!.GetValue<string>()));

    private static string FirstCertificate(string pem) =>
        pem[..(pem.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length)];
}
