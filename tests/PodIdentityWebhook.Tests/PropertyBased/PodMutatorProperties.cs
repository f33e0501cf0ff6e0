using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Tests.PropertyBased;

/// <summary>
/// Properties of the mutation core over generated pods (<see cref="PodGenerators"/>). A
/// failure prints the case (pod JSON, identity, region) FsCheck found.
/// </summary>
public sealed class PodMutatorProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(400);

    [Fact]
    public void Patch_is_a_json_array_of_add_operations_only()
    {
        Check(c =>
        {
            var (result, patch) = c.Mutate();
            if (patch.Length == 0)
            {
                Assert.Equal(0, result.PatchOperations);
                return;
            }

            using var document = JsonDocument.Parse(patch);
            Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
            Assert.Equal(result.PatchOperations, document.RootElement.GetArrayLength());
            foreach (var operation in document.RootElement.EnumerateArray())
            {
                Assert.Equal(JsonValueKind.Object, operation.ValueKind);
                Assert.Equal("add", operation.GetProperty("op").GetString());
                Assert.StartsWith("/", operation.GetProperty("path").GetString(), StringComparison.Ordinal);
                Assert.True(operation.TryGetProperty("value", out _), $"no value in {operation}");
                Assert.All(operation.EnumerateObject(), member => Assert.Contains(member.Name, new[] { "op", "path", "value" }));
            }
        });
    }

    [Fact]
    public void Patch_applies_cleanly_to_the_pod()
    {
        Check(c => Patched(c));
    }

    [Fact]
    public void Patched_pod_keeps_every_original_field_and_element_in_order()
    {
        Check(c =>
        {
            var loss = JsonContainment.FindLoss(JsonNode.Parse(c.PodJson), Patched(c));
            Assert.True(loss is null, loss);
        });
    }

    [Fact]
    public void Second_pass_over_the_patched_pod_adds_nothing()
    {
        Check(c =>
        {
            var (result, patch) = c.Mutate(Patched(c).ToJsonString());
            Assert.True(result.PatchOperations == 0, $"second pass patch: {System.Text.Encoding.UTF8.GetString(patch)}");
            Assert.Empty(patch);
        });
    }

    [Fact]
    public void Skipped_and_ephemeral_containers_are_left_byte_for_byte()
    {
        Check(c =>
        {
            var original = JsonNode.Parse(c.PodJson)!;
            var patched = Patched(c);
            foreach (var field in new[] { "initContainers", "containers" })
            {
                var before = original["spec"]![field]?.AsArray() ?? [];
                var after = patched["spec"]![field]?.AsArray() ?? [];
                for (var i = 0; i < before.Count; i++)
                {
                    if (c.SkippedContainers.Contains(before[i]!["name"]!.GetValue<string>()))
                    {
                        Assert.Equal(before[i]!.ToJsonString(), after[i]!.ToJsonString());
                    }
                }
            }

            Assert.Equal(original["spec"]!["ephemeralContainers"]?.ToJsonString(), patched["spec"]!["ephemeralContainers"]?.ToJsonString());
        });
    }

    private static JsonNode Patched(GeneratedCase c)
    {
        var (_, patch) = c.Mutate();
        var pod = JsonNode.Parse(c.PodJson)!;
        return patch.Length == 0 ? pod : JsonPatchApplier.Apply(pod, patch);
    }

    private static void Check(Action<GeneratedCase> property) =>
        Prop.ForAll(PodGenerators.Cases, property).Check(Config);
}
