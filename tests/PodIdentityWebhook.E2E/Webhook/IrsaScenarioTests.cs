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
    [Fact]
    public async Task Pod_of_an_annotated_service_account_is_stored_with_the_token_volume_and_variables()
    {
        await using var served = await ServedNamespace.StartAsync(plane, "irsa", ["--aws-default-region", "us-west-2"]);
        await plane.Rest.CreateServiceAccountAsync(served.Name, "reader", Roles.Annotations("s3-reader"));

        var pod = await ScenarioPods.CreateMutatedAsync(plane.Rest, served.Name, "reader", served.Webhook, output);
        var container = pod["spec"]!["containers"]![0]!;
        var env = container["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]?.GetValue<string>());
        Assert.Equal("keep", env["APP_MODE"]);
        Assert.Equal(Roles.Arn("s3-reader"), env["AWS_ROLE_ARN"]);
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
}
