using System.Text;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>Builds AdmissionReview requests and reads the webhook's answers.</summary>
internal static class Reviews
{
    public const string V1 = "admission.k8s.io/v1";
    public const string V1Beta1 = "admission.k8s.io/v1beta1";

    /// <summary>The pod of <c>TestData/Http/pod.json</c>: ServiceAccount default/s3-reader, one container.</summary>
    public static JsonObject SamplePod() => JsonNode.Parse(TestFiles.ReadData("Http", "pod.json"))!.AsObject();

    public static JsonObject For(JsonNode? pod, string apiVersion = V1, string uid = "705ab4f5-6393-11e8-b7cc-42010a800002") => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["namespace"] = "default",
            ["operation"] = "CREATE",
            ["object"] = pod,
        },
    };

    public static JsonObject Pod(string serviceAccount, JsonObject? container = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["serviceAccountName"] = serviceAccount,
            ["containers"] = new JsonArray(container ?? new JsonObject { ["name"] = "app", ["image"] = "busybox" }),
        },
    };

    /// <summary>The decoded JSON patch of an allowed response; fails when there is none.</summary>
    /// <summary>A valid review of the sample pod padded with trailing whitespace to exactly <paramref name="size"/> bytes.</summary>
    public static byte[] Padded(int size)
    {
        var review = System.Text.Encoding.UTF8.GetBytes(For(SamplePod()).ToJsonString());
        var body = new byte[size];
        Array.Fill(body, (byte)' ');
        review.CopyTo(body, 0);
        return body;
    }

    public static JsonArray Patch(JsonObject response)
    {
        Assert.Equal("JSONPatch", response["patchType"]?.GetValue<string>());
        var encoded = response["patch"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(encoded), "the response carries no patch");
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(encoded!)))!.AsArray();
    }

    /// <summary>Asserts the review was refused with code 400 and a message; returns the message.</summary>
    public static string AssertRefused(WebhookReply reply)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        var response = reply.Response;
        Assert.False(response["allowed"]!.GetValue<bool>(), reply.Body);
        Assert.Equal(400, response["status"]?["code"]?.GetValue<int>());
        var message = response["status"]?["message"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message), "a refusal must say why");
        Assert.Null(response["patch"]);
        return message!;
    }

    /// <summary>Asserts the review was allowed without a patch.</summary>
    public static void AssertAllowedUnchanged(WebhookReply reply)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        var response = reply.Response;
        Assert.True(response["allowed"]!.GetValue<bool>(), reply.Body);
        Assert.Null(response["patch"]);
        Assert.Null(response["patchType"]);
    }
}
