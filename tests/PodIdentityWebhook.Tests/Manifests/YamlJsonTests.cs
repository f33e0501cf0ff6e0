using System.Text.Json;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Manifests;
using YamlDotNet.Core;

namespace PodIdentityWebhook.Tests.Manifests;

public class YamlJsonTests
{
    public static TheoryData<string, string> CoreSchemaScalars => new()
    {
        { "\"true\"", "\"true\"" },
        { "'false'", "\"false\"" },
        { "true", "true" },
        { "True", "true" },
        { "FALSE", "false" },
        { "123", "123" },
        { "\"123\"", "\"123\"" },
        { "-5", "-5" },
        { "+7", "7" },
        { "0", "0" },
        { "0123", "123" },
        { "1.5", "1.5" },
        { "-0.25", "-0.25" },
        { "1e3", "1000" },
        { ".5", "0.5" },
        { "'1.5'", "\"1.5\"" },
        { "null", "null" },
        { "Null", "null" },
        { "~", "null" },
        { "", "null" },
        { "'null'", "\"null\"" },
        { "'~'", "\"~\"" },
        { "\"\"", "\"\"" },
        { "''", "\"\"" },
        { "yes", "\"yes\"" },
        { "off", "\"off\"" },
        { "hello world", "\"hello world\"" },
        { "arn:aws:iam::111122223333:role/x", "\"arn:aws:iam::111122223333:role/x\"" },
        { "1.2.3", "\"1.2.3\"" },
        { "99999999999999999999999", "1E+23" },
        { ".inf", "\".inf\"" },
        { "|\n  block\n", "\"block\\n\"" },
    };

    [Theory]
    [MemberData(nameof(CoreSchemaScalars))]
    public void Scalars_are_typed_by_the_YAML_1_2_core_schema(string yaml, string json)
    {
        var document = Assert.Single(YamlJson.ParseDocuments($"value: {yaml}"));

        Assert.Equal(json, document["value"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Every_non_empty_document_of_a_stream_is_returned_in_order()
    {
        var documents = YamlJson.ParseDocuments("""
            # leading comment
            ---
            kind: A
            ---
            ---
            # only a comment
            ---
            kind: B
            ...
            ---
            {"kind": "C", "list": [1, "2", null]}
            """);

        Assert.Equal(["A", "B", "C"], documents.Select(d => d["kind"]!.GetValue<string>()));
        Assert.Equal("""[1,"2",null]""", documents[2]["list"]!.ToJsonString());
    }

    [Fact]
    public void Empty_stream_has_no_documents()
    {
        Assert.Empty(YamlJson.ParseDocuments(""));
        Assert.Empty(YamlJson.ParseDocuments("# nothing\n"));
    }

    [Fact]
    public void Json_text_is_read_as_YAML()
    {
        var document = Assert.Single(YamlJson.ParseDocuments("""{"a": {"b": [true, 1.5, "x"]}, "c": null}"""));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a": {"b": [true, 1.5, "x"]}, "c": null}"""), document));
    }

    // YamlStream resolves aliases while loading, as kubectl does, so they read as copies.
    [Fact]
    public void Aliases_read_as_copies_of_their_anchor()
    {
        var document = Assert.Single(YamlJson.ParseDocuments("a: &x {k: 1}\nb: *x\n"));

        Assert.Equal("""{"a":{"k":1},"b":{"k":1}}""", document.ToJsonString());
    }

    [Fact]
    public void Mapping_keys_that_are_not_scalars_are_refused_with_a_YAML_error()
    {
        Assert.ThrowsAny<YamlException>(() => YamlJson.ParseDocuments("? [a, b]\n: c\n"));
    }

    [Fact]
    public void Malformed_yaml_is_a_YAML_error()
    {
        Assert.ThrowsAny<YamlException>(() => YamlJson.ParseDocuments("a: [unclosed\n"));
    }

    public static TheoryData<string> AwkwardStrings =>
    [
        "true", "false", "True", "TRUE", "null", "Null", "~", "", "0123", "123", "-1", "+1", "1.5", ".5", "1e3",
        " leading space", "trailing space ", "a: b", "- item", "#comment", "multi\nline", "tab\there", "ends with newline\n",
        "unicode é 日本", "'single'", "\"double\"", "[a]", "{a: b}", "*alias", "&anchor", "!tag", "%directive", "@at", "`tick",
        "? key", ":", "---", "...", "\n", "\n\n", " \n", "\na", " ", "\t", "a\n\n", "\r\n", "arn:aws:iam::111122223333:role/x", "C:\\token", "50%", "http://169.254.170.23/v1/credentials",
    ];

    [Theory]
    [MemberData(nameof(AwkwardStrings))]
    public void String_survives_ToYaml_and_back_as_the_same_string(string value)
    {
        var node = new JsonObject { ["value"] = value, ["list"] = new JsonArray(value), [value] = "as a key" };

        var back = Assert.Single(YamlJson.ParseDocuments(YamlJson.ToYaml(node)));

        Assert.True(JsonNode.DeepEquals(node, back), $"{node.ToJsonString()}\nbecame\n{back.ToJsonString()}\nvia\n{YamlJson.ToYaml(node)}");
    }

    [Fact]
    public void Pod_survives_ToYaml_and_back_deep_equal()
    {
        var pod = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Http", "mutated-pod.json")))!;
        pod["metadata"]!["annotations"] = new JsonObject { ["flag"] = "true", ["count"] = "0123", ["empty"] = "", ["nothing"] = "null" };
        pod["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["weight"] = 0.5 });
        pod["spec"]!["enableServiceLinks"] = false;
        pod["spec"]!["hostname"] = null;
        pod["spec"]!["tolerations"] = new JsonArray();
        pod["spec"]!["securityContext"] = new JsonObject();

        var back = Assert.Single(YamlJson.ParseDocuments(YamlJson.ToYaml(pod)));

        Assert.True(JsonNode.DeepEquals(pod, back), $"{pod.ToJsonString()}\nbecame\n{back.ToJsonString()}");
    }

    [Fact]
    public void Randomly_built_documents_survive_ToYaml_and_back_deep_equal()
    {
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var node = RandomNode(random, depth: 0);

            var yaml = YamlJson.ToYaml(node);
            var back = YamlJson.ParseDocuments(yaml).SingleOrDefault();

            Assert.True(JsonNode.DeepEquals(node, back), $"case {i}: {node?.ToJsonString()}\nbecame\n{back?.ToJsonString()}\nvia\n{yaml}");
        }
    }

    [Fact]
    public void ToYaml_writes_block_style_without_a_document_end_marker()
    {
        var yaml = YamlJson.ToYaml(JsonNode.Parse("""{"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}"""));

        Assert.Equal("kind: Pod\nspec:\n  containers:\n  - name: app\n", yaml.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    // kubectl reads manifests with YAML 1.1 rules (sigs.k8s.io/yaml on go-yaml v2), where these
    // plain scalars are booleans or numbers: explain's printed pod must keep them strings when applied.
    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("on")]
    [InlineData("Off")]
    [InlineData("y")]
    [InlineData("N")]
    [InlineData("0x1F")]
    [InlineData("1_000")]
    public void Strings_that_kubectl_would_read_as_another_type_are_quoted(string value)
    {
        var yaml = YamlJson.ToYaml(new JsonObject { ["value"] = value });

        Assert.True(
            yaml.StartsWith("value: \"", StringComparison.Ordinal) || yaml.StartsWith("value: '", StringComparison.Ordinal),
            $"\"{value}\" is written plain: {yaml}");
    }

    private static readonly string[] Words = ["a", "true", "null", "0123", "", "x y", "1.5", "-", "#", "k: v", "~", "é", "\n"];

    private static JsonNode? RandomNode(Random random, int depth)
    {
        var pick = depth >= 4 ? random.Next(5) : random.Next(7);
        switch (pick)
        {
            case 0:
                return null;
            case 1:
                return JsonValue.Create(random.Next(2) == 0);
            case 2:
                return JsonValue.Create(random.Next(-1000, 1000));
            case 3:
                return JsonValue.Create(Words[random.Next(Words.Length)] + (random.Next(3) == 0 ? Words[random.Next(Words.Length)] : ""));
            case 4:
                return JsonValue.Create(random.Next(-1000, 1000) / 8.0);
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--)
                {
                    array.Add(RandomNode(random, depth + 1));
                }

                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(4); i > 0; i--)
                {
                    obj[Words[random.Next(Words.Length)] + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = RandomNode(random, depth + 1);
                }

                return obj;
        }
    }

    [Fact]
    public void Numbers_keep_their_JSON_kind_through_ToYaml()
    {
        var node = JsonNode.Parse("""{"i": 3, "f": 2.5, "n": -0.125}""")!;

        var back = Assert.Single(YamlJson.ParseDocuments(YamlJson.ToYaml(node)));

        Assert.Equal(JsonValueKind.Number, back["i"]!.GetValueKind());
        Assert.Equal(3, back["i"]!.GetValue<long>());
        Assert.Equal(2.5, back["f"]!.GetValue<double>());
        Assert.Equal(-0.125, back["n"]!.GetValue<double>());
    }
}
