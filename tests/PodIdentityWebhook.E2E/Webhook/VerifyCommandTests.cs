using PodIdentityWebhook.E2E.ControlPlane;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// <c>PodIdentityWebhook verify</c> (what the chart's <c>helm test</c> runs) against the real
/// API server and the real webhook: a dry-run pod of an annotated ServiceAccount comes back
/// injected and is not stored; one of a plain ServiceAccount comes back without, and says so.
/// </summary>
[Collection(ControlPlaneGroup.Name)]
public sealed class VerifyCommandTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    [Fact]
    public async Task Verify_passes_for_an_annotated_service_account_and_stores_no_pod()
    {
        await using var served = await ServedNamespace.StartAsync(plane, "verify", []);
        await plane.Rest.CreateServiceAccountAsync(served.Name, "reader", Roles.Annotations("s3-reader"));

        var (exit, stdout, stderr) = await VerifyAsync(served.Name, "reader");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains($"env AWS_ROLE_ARN={Roles.Arn("s3-reader")}", stdout, StringComparison.Ordinal);
        Assert.Contains("projected token for audience sts.amazonaws.com", stdout, StringComparison.Ordinal);
        var pods = await plane.Rest.GetAsync($"/api/v1/namespaces/{served.Name}/pods");
        Assert.Empty(pods!["items"]!.AsArray());
    }

    [Fact]
    public async Task Verify_fails_with_exit_3_for_a_service_account_without_a_role()
    {
        await using var served = await ServedNamespace.StartAsync(plane, "verify-none", []);
        await plane.Rest.CreateServiceAccountAsync(served.Name, "plain");

        var (exit, stdout, stderr) = await VerifyAsync(served.Name, "plain");

        Assert.True(exit == 3, stdout + stderr);
        Assert.Contains("gets NO identity", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_without_a_service_account_is_a_usage_error()
    {
        var (exit, _, stderr) = await RunAsync(["verify", "--kubeconfig", plane.KubeconfigPath]);

        Assert.Equal(2, exit);
        Assert.Contains("--service-account NAME is required", stderr, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> VerifyAsync(string ns, string serviceAccount)
    {
        var result = await RunAsync(["verify", "--kubeconfig", plane.KubeconfigPath, "--pod-namespace", ns, "--service-account", serviceAccount]);
        output.WriteLine(result.Stdout + result.Stderr);
        return result;
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        var (program, prefix) = RunningWebhook.Command(RunningWebhook.Product);
        return Tool.RunAsync(program, [.. prefix, .. args]);
    }
}
