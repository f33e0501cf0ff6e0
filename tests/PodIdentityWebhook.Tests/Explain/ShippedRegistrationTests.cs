using System.Text.Json.Nodes;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Manifests;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary>explain's offline registration is the one <c>deploy/base/mutatingwebhook.yaml</c> ships.</summary>
public class ShippedRegistrationTests
{
    [Fact]
    public void Selectors_and_failure_policy_equal_the_shipped_manifest()
    {
        var manifest = YamlJson.ParseDocuments(File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "deploy", "base", "mutatingwebhook.yaml")))
            .OfType<JsonObject>()
            .Single(d => d["kind"]?.GetValue<string>() == "MutatingWebhookConfiguration");
        var webhook = manifest["webhooks"]![0]!;
        var shipped = WebhookRegistration.Shipped;

        Assert.Equal(manifest["metadata"]!["name"]!.GetValue<string>(), shipped.Configuration);
        Assert.Equal(webhook["name"]!.GetValue<string>(), shipped.Name);
        Assert.Equal(webhook["failurePolicy"]!.GetValue<string>(), shipped.FailurePolicy);
        Assert.True(JsonNode.DeepEquals(webhook["namespaceSelector"], shipped.NamespaceSelector), webhook["namespaceSelector"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(webhook["objectSelector"], shipped.ObjectSelector), webhook["objectSelector"]!.ToJsonString());
        Assert.Equal(webhook["clientConfig"]!["service"]!["namespace"]!.GetValue<string>(), shipped.ServiceNamespace);
        Assert.Equal(webhook["clientConfig"]!["service"]!["name"]!.GetValue<string>(), shipped.ServiceName);
    }
}
