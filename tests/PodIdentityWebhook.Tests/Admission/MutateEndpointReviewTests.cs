using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>Well-formed reviews through the real Kestrel pipeline over TLS.</summary>
public class MutateEndpointReviewTests(WebhookServerFixture server) : IClassFixture<WebhookServerFixture>
{
    private readonly WebhookClient _client = server.Client;

    [Theory]
    [InlineData(Reviews.V1)]
    [InlineData(Reviews.V1Beta1)]
    public async Task Review_echoes_apiVersion_kind_and_uid_and_its_patch_gives_the_mutated_pod(string apiVersion)
    {
        var pod = Reviews.SamplePod();

        var reply = await _client.MutateAsync(Reviews.For(pod, apiVersion, uid: "uid-" + apiVersion).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal(apiVersion, reply.Review["apiVersion"]?.GetValue<string>());
        Assert.Equal("AdmissionReview", reply.Review["kind"]?.GetValue<string>());
        Assert.Equal("uid-" + apiVersion, reply.Response["uid"]?.GetValue<string>());
        Assert.True(reply.Response["allowed"]!.GetValue<bool>());
        var mutated = JsonPatch.Apply(pod, Reviews.Patch(reply.Response));
        var expected = JsonNode.Parse(TestFiles.ReadData("Http", "mutated-pod.json"));
        Assert.True(JsonNode.DeepEquals(expected, mutated), $"mutated pod differs from mutated-pod.json:\n{mutated.ToJsonString()}");
    }

    [Fact]
    public async Task Pod_that_already_has_everything_is_allowed_without_a_patch()
    {
        var mutated = JsonNode.Parse(TestFiles.ReadData("Http", "mutated-pod.json"));

        var reply = await _client.MutateAsync(Reviews.For(mutated).ToJsonString());

        Reviews.AssertAllowedUnchanged(reply);
    }

    [Theory]
    [InlineData("nobody")]
    [InlineData("no-role")]
    public async Task ServiceAccount_that_is_unknown_or_has_no_role_is_allowed_without_a_patch(string serviceAccount)
    {
        var reply = await _client.MutateAsync(Reviews.For(Reviews.Pod(serviceAccount)).ToJsonString());

        Reviews.AssertAllowedUnchanged(reply);
    }

    [Fact]
    public async Task Pod_without_a_ServiceAccount_name_uses_default_which_has_no_role()
    {
        var pod = Reviews.Pod("s3-reader");
        pod["spec"]!.AsObject().Remove("serviceAccountName");

        var reply = await _client.MutateAsync(Reviews.For(pod).ToJsonString());

        Reviews.AssertAllowedUnchanged(reply);
    }

    [Fact]
    public async Task Namespace_comes_from_the_request_when_the_pod_has_none()
    {
        var pod = Reviews.Pod("s3-reader");
        pod["metadata"]!.AsObject().Remove("namespace");
        var inDefault = Reviews.For(pod.DeepClone());
        var inOther = Reviews.For(pod.DeepClone());
        inOther["request"]!["namespace"] = "other";

        var mutated = await _client.MutateAsync(inDefault.ToJsonString());
        var untouched = await _client.MutateAsync(inOther.ToJsonString());

        Assert.NotEmpty(Reviews.Patch(mutated.Response));
        Reviews.AssertAllowedUnchanged(untouched);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task Json_content_type_with_parameters_or_other_case_is_accepted(string contentType)
    {
        var reply = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString(), contentType);

        Assert.NotEmpty(Reviews.Patch(reply.Response));
    }

    [Fact]
    public async Task Unknown_fields_in_containers_survive_the_patch()
    {
        var sidecar = new JsonObject { ["name"] = "proxy", ["image"] = "envoy", ["restartPolicy"] = "Always", ["futureField"] = new JsonObject { ["x"] = 1 } };
        var pod = Reviews.Pod("s3-reader");
        pod["spec"]!["initContainers"] = new JsonArray(sidecar);

        var reply = await _client.MutateAsync(Reviews.For(pod).ToJsonString());

        var mutated = JsonPatch.Apply(pod, Reviews.Patch(reply.Response));
        var init = mutated["spec"]!["initContainers"]![0]!;
        Assert.Equal("Always", init["restartPolicy"]?.GetValue<string>());
        Assert.Equal(1, init["futureField"]?["x"]?.GetValue<int>());
        Assert.Contains(init["env"]!.AsArray(), e => e?["name"]?.GetValue<string>() == "AWS_ROLE_ARN");
    }

    [Fact]
    public async Task Pod_identity_association_adds_the_label_the_token_volume_and_the_credential_variables()
    {
        var pod = Reviews.Pod("pod-identity");

        var reply = await _client.MutateAsync(Reviews.For(pod).ToJsonString());

        var mutated = JsonPatch.Apply(pod, Reviews.Patch(reply.Response));
        Assert.Equal("enabled", mutated["metadata"]?["labels"]?["eks.amazonaws.com/pod-identity"]?.GetValue<string>());
        var volume = Assert.Single(mutated["spec"]!["volumes"]!.AsArray());
        Assert.Equal("eks-pod-identity-token", volume?["name"]?.GetValue<string>());
        var token = volume?["projected"]?["sources"]?[0]?["serviceAccountToken"];
        Assert.Equal("pods.eks.amazonaws.com", token?["audience"]?.GetValue<string>());
        Assert.InRange(token?["expirationSeconds"]?.GetValue<long>() ?? 0, 79200, 86400);
        var env = mutated["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => e?["name"]?.GetValue<string>());
        Assert.Equal(["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], env);
    }
}
