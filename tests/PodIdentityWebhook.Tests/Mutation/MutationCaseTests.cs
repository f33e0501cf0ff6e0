using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Mutation;

/// <summary>
/// Runs every case under <c>TestData/Mutation/</c> through the whole review path (envelope,
/// identity resolution, mutation, response), applies the patch the way the API server does
/// and compares with the pod written by hand from the SPEC; then sends the result back in,
/// as reinvocation does, and expects no patch.
/// </summary>
public class MutationCaseTests
{
    private const string Uid = "705ab4f5-6393-11e8-b7cc-42010a800002";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TheoryData<string> Cases() => new(MutationCase.Names());

    [Fact]
    public void Case_directory_holds_enough_cases() => Assert.True(MutationCase.Names().Count() >= 45);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_produces_the_expected_pod(string name)
    {
        var testCase = MutationCase.Load(name);
        var environment = MutationCaseEnvironment.Create(testCase);
        var handler = new AdmissionReviewHandler(
            environment.Resolver,
            new PodMutator(MutationSettings.From(environment.Options), new FixedRandomSource(testCase.Random)));

        var response = await ReviewAsync(handler, testCase, testCase.Pod);
        if (testCase.ExpectedNoPatch)
        {
            Assert.Null(response["patch"]);
            Assert.Null(response["patchType"]);
            return;
        }

        var patch = Assert.IsType<JsonArray>(DecodePatch(response), exactMatch: false);
        Assert.All(patch, operation => Assert.Equal("add", operation!["op"]!.GetValue<string>()));

        var patched = JsonPatchApplier.Apply(testCase.Pod.DeepClone(), Encoding.UTF8.GetBytes(patch.ToJsonString()));
        Assert.True(
            JsonNode.DeepEquals(testCase.Expected, patched),
            $"{name}: {testCase.Description}\n--- expected\n{testCase.Expected!.ToJsonString(Indented)}\n"
            + $"--- actual\n{patched.ToJsonString(Indented)}\n--- patch\n{patch.ToJsonString(Indented)}");

        var again = await ReviewAsync(handler, testCase, patched.AsObject());
        Assert.True(
            again["patch"] is null,
            $"{name}: reinvocation on the mutated pod must not patch again, got {DecodePatch(again)?.ToJsonString()}");
    }

    /// <summary>Sends the pod in a review of the case's version; returns the checked <c>response</c>.</summary>
    private static async Task<JsonObject> ReviewAsync(AdmissionReviewHandler handler, MutationCase testCase, JsonObject pod)
    {
        var apiVersion = "admission.k8s.io/" + testCase.ReviewVersion;
        var review = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = Uid,
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                ["namespace"] = testCase.Namespace,
                ["operation"] = "CREATE",
                ["object"] = pod.DeepClone(),
            },
        };

        using var output = new PooledBufferWriter();
        var body = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(review.ToJsonString()));
        var outcome = await handler.HandleAsync(body, output, CancellationToken.None);
        Assert.True(outcome.StatusCode == 200, $"{testCase.Name}: HTTP {outcome.StatusCode}: {outcome.Error}");

        var root = JsonNode.Parse(output.WrittenSpan)!.AsObject();
        Assert.Equal(apiVersion, root["apiVersion"]!.GetValue<string>());
        Assert.Equal("AdmissionReview", root["kind"]!.GetValue<string>());
        var response = root["response"]!.AsObject();
        Assert.Equal(Uid, response["uid"]!.GetValue<string>());
        Assert.True(response["allowed"]!.GetValue<bool>(), $"{testCase.Name}: refused: {response["status"]?.ToJsonString()}");
        if (response["patch"] is not null)
        {
            Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
        }

        return response;
    }

    private static JsonNode? DecodePatch(JsonObject response) =>
        response["patch"] is { } patch ? JsonNode.Parse(Convert.FromBase64String(patch.GetValue<string>())) : null;
}
