using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The webhook authenticating to the real API server through a kubeconfig exec credential
/// plugin (as aws eks get-token or kubelogin are used): KubernetesClient.Aot runs the plugin
/// and sends its token, on the list and get and on our own watch.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class ExecPluginTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    // The plugin hands out the control plane's static admin token (its --token-auth-file),
    // so it runs only against the suite's own control plane.
    [OwnControlPlaneFact]
    public async Task Webhook_authenticated_by_an_exec_plugin_becomes_ready_and_mutates()
    {
        var folder = Directory.CreateTempSubdirectory("piw-exec-").FullName;
        try
        {
            var (kubeconfig, calls) = plane.WriteExecPluginKubeconfig(folder);
            Assert.DoesNotContain(ControlPlaneFixture.AdminToken, File.ReadAllText(kubeconfig), StringComparison.Ordinal);

            await using var served = await ServedNamespace.StartAsync(plane, "exec", ["--aws-default-region", "us-west-2"], kubeconfig: kubeconfig);
            await plane.Rest.CreateServiceAccountAsync(served.Name, "reader", Roles.Annotations("s3-reader"));

            var pod = await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "reader", served.Webhook, output);
            Assert.Equal(Roles.Arn("s3-reader"), ScenarioPods.Env(pod, "AWS_ROLE_ARN"));
            var execInfo = File.ReadAllLines(calls);
            Assert.NotEmpty(execInfo);
            Assert.All(execInfo, line => Assert.Contains("client.authentication.k8s.io/v1", line, StringComparison.Ordinal));
            output.WriteLine($"the plugin ran {execInfo.Length} time(s)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
