using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Tests.PropertyBased;

/// <summary>The checker behind the "nothing is lost" property has to be right itself.</summary>
public sealed class JsonContainmentTests
{
    [Theory]
    [InlineData("""{"a":1,"b":{"c":[1,2]}}""", """{"a":1,"b":{"c":[1,2]}}""")]
    [InlineData("""{"a":1}""", """{"a":1,"added":true}""")]
    [InlineData("""{"env":[{"name":"A"}]}""", """{"env":[{"name":"A"},{"name":"B"}]}""")]
    [InlineData("""{"volumes":[{"name":"x"}]}""", """{"volumes":[{"name":"token"},{"name":"x"}]}""")]
    [InlineData("""{"c":[{"name":"s","restartPolicy":"Always"}]}""", """{"c":[{"name":"s","restartPolicy":"Always","env":[]}]}""")]
    [InlineData("""{"a":null,"e":[]}""", """{"a":null,"e":[1]}""")]
    public void Output_that_only_adds_contains_the_original(string original, string output)
    {
        Assert.Null(JsonContainment.FindLoss(JsonNode.Parse(original), JsonNode.Parse(output)));
    }

    [Theory]
    [InlineData("""{"a":1,"b":2}""", """{"a":1}""", "$.b")]
    [InlineData("""{"a":1}""", """{"a":2}""", "$.a")]
    [InlineData("""{"a":"1"}""", """{"a":1}""", "$.a")]
    [InlineData("""{"a":{"b":1}}""", """{"a":[1]}""", "$.a")]
    [InlineData("""{"e":[1,2]}""", """{"e":[2,1]}""", "$.e[1]")]
    [InlineData("""{"e":[1,2,3]}""", """{"e":[1,3]}""", "$.e[1]")]
    [InlineData("""{"a":null}""", """{}""", "$.a")]
    [InlineData("""{"c":[{"name":"s","restartPolicy":"Always"}]}""", """{"c":[{"name":"s","env":[]}]}""", "$.c[0]")]
    public void Output_that_drops_changes_or_reorders_is_caught_with_the_path(string original, string output, string path)
    {
        var loss = JsonContainment.FindLoss(JsonNode.Parse(original), JsonNode.Parse(output));

        Assert.NotNull(loss);
        Assert.StartsWith(path, loss, StringComparison.Ordinal);
    }
}
