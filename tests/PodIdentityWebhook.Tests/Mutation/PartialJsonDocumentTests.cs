using System.Text;
using System.Text.Json;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Tests.Mutation;

/// <summary>
/// The review's one-pass read: it refuses what JsonDocument refuses, with the same message; it
/// reads what it keeps as JsonElement does (the last of duplicate names, escapes decoded, every
/// value's kind); and it keeps no row for what the webhook does not read.
/// </summary>
public sealed class PartialJsonDocumentTests
{
    private const string Review = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"u-1","namespace":"team","operation":"CREATE",
          "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller","groups":["a","b"]},
          "object":{"kind":"Pod","metadata":{"generateName":"web-","labels":{"app":"web"},
             "annotations":{"eks.amazonaws.com/skip-containers":"sidecar"}},
           "spec":{"serviceAccountName":"reader",
            "containers":[{"name":"app","image":"busybox","env":[{"name":"A","value":"1"}],
              "resources":{"limits":{"cpu":"1"}},"volumeMounts":[{"name":"data","mountPath":"/data"}]}],
            "volumes":[{"name":"data","emptyDir":{}}]}}}}
        """;

    public static TheoryData<string> Malformed() =>
    [
        "",
        "   ",
        "{",
        "{\"apiVersion\":}",
        "{\"apiVersion\":\"v1\",}",
        "[1,2",
        "{} x",
        "{}{}",
        "nul",
        "{\"request\":{\"userInfo\":{\"username\":tru}}}",
        "{\"request\":{\"object\":{\"spec\":{\"containers\":[{\"image\":\"a\" \"b\"}]}}}}",
        "{\"request\":{\"object\":{\"spec\":{\"containers\":[{\"resources\":{\"limits\":[1,]}}]}}}}",
        "{\"a\":\"unterminated}",
        "{\"a\":01}",
        "{\"a\":\"tab\there\"}",
        new string('[', 300) + new string(']', 300),
        "{\"request\":" + new string('[', 300) + new string(']', 300) + "}",
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_json_is_refused_with_the_message_JsonDocument_gives(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = AdmissionReviewHandler.MaxDepth }));

        var actual = Assert.ThrowsAny<JsonException>(() => PartialJsonDocument.Parse(bytes, ReviewShapes.Review, AdmissionReviewHandler.MaxDepth));

        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void What_the_webhook_reads_is_kept_and_nothing_else()
    {
        using var document = Parse(Review);
        var request = Member(document.RootElement, "request");
        var pod = Member(request, "object");
        var container = Single(Member(Member(pod, "spec"), "containers"));

        Assert.Equal("u-1", Member(request, "uid").GetString());
        Assert.Equal("web-", Member(Member(pod, "metadata"), "generateName").GetString());
        Assert.Equal("sidecar", Member(Member(Member(pod, "metadata"), "annotations"), "eks.amazonaws.com/skip-containers").GetString());
        Assert.Equal("A", Member(Single(Member(container, "env")), "name").GetString());
        Assert.Equal("data", Member(Single(Member(container, "volumeMounts")), "name").GetString());
        foreach (var (parent, name) in new[] { (request, "userInfo"), (request, "operation"), (container, "image"), (container, "resources") })
        {
            Assert.False(parent.TryGetProperty(name, out _), name);
        }

        Assert.False(Single(Member(container, "env")).TryGetProperty("value", out _));
    }

    [Fact]
    public void Members_it_does_not_read_take_no_rows()
    {
        using var plain = Parse(Review);
        var managedFields = string.Concat(Enumerable.Repeat("{\"manager\":\"kubectl\",\"fieldsV1\":{\"f:spec\":{\"f:containers\":{}}}},", 500));
        var withManagedFields = Review.Replace("\"generateName\"", $"\"managedFields\":[{managedFields.TrimEnd(',')}],\"generateName\"", StringComparison.Ordinal);
        using var padded = Parse(withManagedFields);

        Assert.Equal(plain.RowCount, padded.RowCount);
        Assert.InRange(Tokens(withManagedFields), 100 * padded.RowCount, int.MaxValue);
    }

    [Theory]
    [InlineData("""{"request":{"object":{"spec":{"containers":[{"name":"a"},1,"s",null,[],{}]}}}}""")]
    [InlineData("""{"request":{"object":{"metadata":{"annotations":{"a":{"b":[1,{"c":[[[]]]}]},"d":"e"}}}}}""")]
    [InlineData("""{"apiVersion":[1,2,3],"kind":{"a":{"b":{}}},"request":[{"uid":1}]}""")]
    public void Rows_never_outnumber_tokens(string json)
    {
        using var document = Parse(json);

        Assert.InRange(document.RowCount, 1, Tokens(json));
    }

    [Fact]
    public void The_last_of_duplicate_names_wins_at_every_level_as_in_JsonElement()
    {
        const string Json = """
            {"request":{"uid":"first","object":{"spec":{"containers":[{"name":"one"}]}},
              "object":{"spec":{"serviceAccountName":"x","serviceAccountName":"y",
                "containers":[{"name":"a","name":"b","env":[{"name":"E1"}],"env":[{"name":"E2"}]}]}},
              "uid":"last"}}
            """;
        using var partial = Parse(Json);
        using var whole = JsonDocument.Parse(Json);

        var request = Member(partial.RootElement, "request");
        var spec = Member(Member(request, "object"), "spec");
        var container = Single(Member(spec, "containers"));
        var wholeContainer = whole.RootElement.GetProperty("request").GetProperty("object").GetProperty("spec").GetProperty("containers")[0];
        Assert.Equal(whole.RootElement.GetProperty("request").GetProperty("uid").GetString(), Member(request, "uid").GetString());
        Assert.Equal("last", Member(request, "uid").GetString());
        Assert.Equal("y", Member(spec, "serviceAccountName").GetString());
        Assert.Equal(wholeContainer.GetProperty("name").GetString(), Member(container, "name").GetString());
        Assert.Equal("E2", Member(Single(Member(container, "env")), "name").GetString());
    }

    [Fact]
    public void Escaped_names_and_values_read_decoded()
    {
        using var document = Parse("""{"request":{"object":{"sp\u0065c":{"serviceAccountName":"r\u00e9ader\n","containers":[{"name":"\u0061pp"}]}}}}""");
        var spec = Member(Member(Member(document.RootElement, "request"), "object"), "spec");
        var name = Member(spec, "serviceAccountName");

        Assert.Equal("réader\n", name.GetString());
        Assert.True(name.ValueEquals("réader\n"));
        Assert.True(name.ValueEquals("réader\n"u8));
        Assert.False(name.ValueEquals("réader"));
        Assert.True(Member(Single(Member(spec, "containers")), "name").ValueEquals("app"u8));
    }

    [Fact]
    public void Every_item_keeps_its_kind()
    {
        using var document = Parse("""{"request":{"object":{"spec":{"volumes":[1,"s",null,true,false,[],{"name":"v"}]}}}}""");
        var volumes = Member(Member(Member(Member(document.RootElement, "request"), "object"), "spec"), "volumes");

        Assert.Equal(
            [JsonValueKind.Number, JsonValueKind.String, JsonValueKind.Null, JsonValueKind.True, JsonValueKind.False, JsonValueKind.Array, JsonValueKind.Object],
            volumes.EnumerateArray().Select(v => v.ValueKind));
        Assert.Equal(7, volumes.GetArrayLength());
        Assert.Null(volumes.EnumerateArray().ElementAt(2).GetString());
        Assert.Throws<InvalidOperationException>(() => volumes.EnumerateArray().First().GetString());
    }

    [Fact]
    public void A_whole_subtree_is_kept_to_its_leaves()
    {
        using var document = Parse("""
            {"request":{"object":{"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":
              {"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/os","operator":"In","values":["windows"]}]}]}}}}}}}
            """);
        var terms = Member(Member(Member(Member(Member(Member(document.RootElement, "request"), "object"), "spec"), "affinity"), "nodeAffinity"),
            "requiredDuringSchedulingIgnoredDuringExecution");
        var expression = Single(Member(Single(Member(terms, "nodeSelectorTerms")), "matchExpressions"));

        Assert.Equal("In", Member(expression, "operator").GetString());
        Assert.True(Single(Member(expression, "values")).ValueEquals("windows"));
    }

    private static PartialJsonDocument Parse(string json) =>
        PartialJsonDocument.Parse(Encoding.UTF8.GetBytes(json), ReviewShapes.Review, AdmissionReviewHandler.MaxDepth);

    private static PartialJsonElement Member(PartialJsonElement parent, string name)
    {
        Assert.True(parent.TryGetProperty(name, out var value), $"no member {name}");
        return value;
    }

    private static PartialJsonElement Single(PartialJsonElement array) => Assert.Single(array.EnumerateArray());

    private static int Tokens(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }
}
