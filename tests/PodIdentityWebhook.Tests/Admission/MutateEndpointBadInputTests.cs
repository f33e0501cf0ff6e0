using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>Whatever the bytes, the webhook answers 4xx or a refusing review, never 5xx, and keeps serving.</summary>
public class MutateEndpointBadInputTests(WebhookServerFixture server) : IClassFixture<WebhookServerFixture>
{
    private readonly WebhookClient _client = server.Client;

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/yaml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/jsonx")]
    [InlineData("application/json-patch+json")]
    public async Task Wrong_content_type_is_answered_with_415_and_a_message(string contentType)
    {
        var reply = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString(), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Contains("application/json", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_content_type_is_answered_with_415()
    {
        var reply = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString(), contentType: null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Contains("Content-Type", reply.Body, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> NotAReview => new()
    {
        { "not JSON", "hello, webhook", "not valid JSON" },
        { "truncated JSON", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1""", "not valid JSON" },
        { "a JSON array", """[{"apiVersion": "admission.k8s.io/v1"}]""", "not an array" },
        { "a number", "42", "not a number" },
        { "a string", "\"AdmissionReview\"", "not a string" },
        { "JSON null", "null", "not null" },
        { "an empty body", "", "JSON" },
        { "whitespace", "  \n ", "JSON" },
        { "two documents", """{"apiVersion": "admission.k8s.io/v1"} {}""", "not valid JSON" },
        { "a comment", """/* hi */ {"apiVersion": "admission.k8s.io/v1"}""", "not valid JSON" },
        { "missing request", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}""", "request" },
        { "request not an object", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": []}""", "request" },
        { "missing uid", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"object": {}}}""", "uid" },
        { "empty uid", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": ""}}""", "uid" },
        { "uid a number", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 7}}""", "uid" },
        { "missing apiVersion", """{"kind": "AdmissionReview", "request": {"uid": "1"}}""", "apiVersion" },
        { "wrong apiVersion", """{"apiVersion": "admission.k8s.io/v2", "kind": "AdmissionReview", "request": {"uid": "1"}}""", "apiVersion" },
        { "core apiVersion", """{"apiVersion": "v1", "kind": "AdmissionReview", "request": {"uid": "1"}}""", "apiVersion" },
        { "wrong kind", """{"apiVersion": "admission.k8s.io/v1", "kind": "Pod", "request": {"uid": "1"}}""", "kind" },
        { "missing kind", """{"apiVersion": "admission.k8s.io/v1", "request": {"uid": "1"}}""", "kind" },
    };

    [Theory]
    [MemberData(nameof(NotAReview))]
    public async Task Body_that_is_not_a_review_is_answered_with_400_saying_what_is_wrong(string what, string body, string message)
    {
        var reply = await _client.MutateAsync(body);

        Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{what}: {(int)reply.Status} {reply.Body}");
        Assert.Contains(message, reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<string, JsonObject> NotAPod
    {
        get
        {
            var configMap = Reviews.For(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "c" },
                ["data"] = new JsonObject { ["a"] = "b" },
            });
            var deployment = Reviews.For(Reviews.SamplePod());
            deployment["request"]!["kind"]!["kind"] = "Deployment";
            var missing = Reviews.For(null);
            missing["request"]!.AsObject().Remove("object");
            var array = Reviews.For(new JsonArray());
            var text = Reviews.For("a pod");
            var noSpec = Reviews.For(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject() });
            var kindNumber = Reviews.SamplePod();
            kindNumber["kind"] = 3;
            return new()
            {
                { "a ConfigMap", configMap },
                { "request.kind.kind Deployment", deployment },
                { "object missing", missing },
                { "object null", Reviews.For(null) },
                { "object an array", array },
                { "object a string", text },
                { "pod without spec", noSpec },
                { "object kind a number", Reviews.For(kindNumber) },
            };
        }
    }

    [Theory]
    [MemberData(nameof(NotAPod))]
    public async Task Review_of_something_other_than_a_pod_is_refused_with_code_400(string what, JsonObject review)
    {
        var reply = await _client.MutateAsync(review.ToJsonString());

        var message = Reviews.AssertRefused(reply);
        Assert.True(message.Contains("pod", StringComparison.OrdinalIgnoreCase), $"{what}: {message}");
        Assert.Equal("705ab4f5-6393-11e8-b7cc-42010a800002", reply.Response["uid"]?.GetValue<string>());
    }

    public static TheoryData<string, string, JsonNode> PodsOfTheWrongShape => new()
    {
        { "env a string", "env", "AWS_REGION=eu-west-1" },
        { "env an object", "env", new JsonObject { ["AWS_REGION"] = "eu-west-1" } },
        { "env item a number", "env", new JsonArray(1) },
        { "volumeMounts a string", "volumeMounts", "aws-iam-token" },
    };

    [Theory]
    [MemberData(nameof(PodsOfTheWrongShape))]
    public async Task Pod_with_a_container_field_of_the_wrong_type_is_refused_with_code_400(string what, string field, JsonNode value)
    {
        var pod = Reviews.Pod("s3-reader");
        pod["spec"]!["containers"]![0]![field] = value.DeepClone();

        var reply = await _client.MutateAsync(Reviews.For(pod).ToJsonString());

        var message = Reviews.AssertRefused(reply);
        Assert.True(message.Contains(field, StringComparison.Ordinal), $"{what}: {message}");
    }

    public static TheoryData<string, string, JsonNode> SpecsOfTheWrongShape => new()
    {
        { "containers an object", "containers", new JsonObject { ["name"] = "app" } },
        { "containers item a string", "containers", new JsonArray("app") },
        { "initContainers a number", "initContainers", 5 },
        { "volumes an object", "volumes", new JsonObject { ["name"] = "v" } },
        { "volumes item a string", "volumes", new JsonArray("v") },
    };

    [Theory]
    [MemberData(nameof(SpecsOfTheWrongShape))]
    public async Task Pod_with_a_spec_field_of_the_wrong_type_is_refused_with_code_400(string what, string field, JsonNode value)
    {
        var pod = Reviews.Pod("s3-reader");
        pod["spec"]![field] = value.DeepClone();

        var reply = await _client.MutateAsync(Reviews.For(pod).ToJsonString());

        var message = Reviews.AssertRefused(reply);
        Assert.True(message.Contains(field, StringComparison.Ordinal), $"{what}: {message}");
    }

    // The label is added only in EKS Pod Identity mode; "add" on a malformed existing value would replace it.
    [Theory]
    [InlineData("labels an array", "labels")]
    [InlineData("metadata an array", "metadata")]
    public async Task Pod_identity_pod_with_malformed_metadata_is_refused_with_code_400(string what, string field)
    {
        var pod = Reviews.Pod("pod-identity");
        if (field == "labels")
        {
            pod["metadata"]!["labels"] = new JsonArray("app");
        }
        else
        {
            pod["metadata"] = new JsonArray();
        }

        var reply = await _client.MutateAsync(Reviews.For(pod).ToJsonString());

        var message = Reviews.AssertRefused(reply);
        Assert.True(message.Contains(field, StringComparison.Ordinal), $"{what}: {message}");
    }

    [Theory]
    [InlineData("uid")]
    [InlineData("serviceAccountName")]
    [InlineData("namespace")]
    [InlineData("container name")]
    [InlineData("annotation")]
    [InlineData("apiVersion")]
    public async Task Invalid_utf8_inside_a_string_is_answered_with_400_not_500(string place)
    {
        var reply = await _client.MutateAsync(ReviewWithInvalidUtf8(place));

        Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{place}: {(int)reply.Status} {reply.Body}");
        Assert.False(string.IsNullOrWhiteSpace(reply.Body), "a 400 must say what is wrong");
    }

    // System.Text.Json checks UTF-8 only in the strings it decodes, and Go's encoding/json (the
    // API server, the reference) turns bad bytes into U+FFFD: a review whose bad bytes sit where
    // the webhook never looks is answered like any other, which is fine as long as it is not a 5xx.
    [Theory]
    [InlineData("env value")]
    [InlineData("property name")]
    public async Task Invalid_utf8_where_the_webhook_does_not_look_is_answered_without_a_server_error(string place)
    {
        var reply = await _client.MutateAsync(ReviewWithInvalidUtf8(place));

        Assert.True(reply.Status is HttpStatusCode.BadRequest or HttpStatusCode.OK, $"{place}: {(int)reply.Status} {reply.Body}");
        if (reply.Status == HttpStatusCode.OK)
        {
            Assert.Equal("1", reply.Response["uid"]?.GetValue<string>());
        }
    }

    private static byte[] ReviewWithInvalidUtf8(string place)
    {
        var pod = Reviews.Pod("s3-reader", new JsonObject
        {
            ["name"] = place == "container name" ? "@BAD@" : "app",
            ["env"] = new JsonArray(new JsonObject { ["name"] = "X", ["value"] = place == "env value" ? "@BAD@" : "x" }),
        });
        pod["metadata"]!["annotations"] = new JsonObject
        {
            ["eks.amazonaws.com/skip-containers"] = place == "annotation" ? "@BAD@" : "none",
            [place == "property name" ? "@BAD@" : "other"] = "x",
        };
        if (place == "serviceAccountName")
        {
            pod["spec"]!["serviceAccountName"] = "@BAD@";
        }

        var review = Reviews.For(pod, uid: place == "uid" ? "@BAD@" : "1");
        if (place == "namespace")
        {
            review["request"]!["namespace"] = "@BAD@";
        }

        if (place == "apiVersion")
        {
            review["apiVersion"] = "admission.k8s.io/v1@BAD@";
        }

        return WithInvalidUtf8(review.ToJsonString());
    }

    [Theory]
    [InlineData("objects", "{\"a\":", "}")]
    [InlineData("arrays", "[", "]")]
    [InlineData("objects inside the pod", "{\"a\":", "}")]
    public async Task Nesting_ten_thousand_deep_is_answered_with_400(string what, string open, string close)
    {
        var deep = string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000));
        var pod = Reviews.SamplePod();
        pod["spec"]!["deep"] = "@DEEP@";
        var body = what.EndsWith("pod", StringComparison.Ordinal)
            ? Reviews.For(pod).ToJsonString().Replace("\"@DEEP@\"", deep, StringComparison.Ordinal)
            : deep;

        var reply = await _client.MutateAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("depth", reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("apiVersion", """{"apiVersion": "admission.k8s.io/v1", "apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {"uid": "1", "object": {"kind": "Pod", "spec": {"containers": []}}}}""")]
    [InlineData("request", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1"}, "request": {"uid": "2", "object": {"kind": "Pod", "spec": {}}}}""")]
    [InlineData("uid", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1", "uid": "2", "object": {"kind": "Pod", "spec": {"serviceAccountName": "s3-reader", "containers": [{"name": "a"}]}}}}""")]
    [InlineData("serviceAccountName", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1", "namespace": "default", "object": {"kind": "Pod", "spec": {"serviceAccountName": "nobody", "serviceAccountName": "s3-reader", "containers": [{"name": "a"}]}}}}""")]
    [InlineData("env name", """{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1", "namespace": "default", "object": {"kind": "Pod", "spec": {"serviceAccountName": "s3-reader", "containers": [{"name": "a", "env": [{"name": "AWS_REGION", "name": "X", "value": "v"}]}]}}}}""")]
    public async Task Duplicate_keys_are_answered_without_a_server_error(string key, string body)
    {
        var reply = await _client.MutateAsync(body);

        Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"duplicate {key}: {(int)reply.Status} {reply.Body}");
        if (reply.Status == HttpStatusCode.OK)
        {
            Assert.NotNull(reply.Response["allowed"]);
        }
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Other_methods_on_mutate_are_refused_without_a_server_error(string method)
    {
        var reply = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), WebhookClient.MutatePath));

        Assert.True(reply.Status is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"{(int)reply.Status}");
    }

    [Fact]
    public async Task Randomly_corrupted_reviews_never_get_a_server_error()
    {
        var original = Encoding.UTF8.GetBytes(Reviews.For(Reviews.SamplePod()).ToJsonString());
        var random = new Random(20240607);
        for (var i = 0; i < 300; i++)
        {
            var body = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }

            var length = random.Next(4) == 0 ? random.Next(body.Length) : body.Length;

            var reply = await _client.MutateAsync(body[..length]);

            Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"case {i}: {(int)reply.Status} {reply.Body}");
        }
    }

    [Fact]
    public async Task Server_still_answers_a_good_review_after_every_bad_input()
    {
        foreach (var row in NotAReview)
        {
            await _client.MutateAsync((string)row[1]);
        }

        foreach (var row in NotAPod)
        {
            await _client.MutateAsync(((JsonObject)row[1]).ToJsonString());
        }

        await _client.MutateAsync(WithInvalidUtf8(Reviews.For(Reviews.SamplePod(), uid: "@BAD@").ToJsonString()));
        await _client.MutateAsync(string.Concat(Enumerable.Repeat("[", 10_000)));
        await _client.MutateAsync("{}", "text/plain");
        await _client.GetAsync(WebhookClient.MutatePath);

        var reply = await _client.MutateAsync(Reviews.For(Reviews.SamplePod()).ToJsonString());

        Assert.NotEmpty(Reviews.Patch(reply.Response));
    }

    /// <summary>Replaces each <c>@BAD@</c> with bytes that are not UTF-8 (a lone continuation byte and an overlong form).</summary>
    private static byte[] WithInvalidUtf8(string json)
    {
        var bytes = new List<byte>();
        var parts = json.Split("@BAD@");
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                bytes.AddRange([0x61, 0x80, 0xC0, 0xAF, 0xFF, 0x62]);
            }

            bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
        }

        return [.. bytes];
    }
}
