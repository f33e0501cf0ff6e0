using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Tests.Hosting;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>The decision log line, read from the JSON the built program writes when its stdout is not a terminal.</summary>
public sealed class DecisionLogTests
{
    private static readonly int[] DecisionEvents = [100, 101, 102, 103];

    [Fact]
    public async Task Each_review_writes_exactly_one_JSON_decision_line_with_pod_namespace_ServiceAccount_mode_containers_and_duration()
    {
        var port = FreePort.Pick();
        using var webhook = ProductProcess.Start(
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--metrics-port", FreePort.Pick().ToString(CultureInfo.InvariantCulture),
            "--bind-address", "127.0.0.1",
            "--self-signed-cert",
            "--service-accounts-file", TestFiles.Data("Http", "service-accounts.yaml"),
            "--watch-container-credentials-config", TestFiles.Data("Http", "container-credentials.json"));
        using var client = new WebhookClient(new Uri($"https://127.0.0.1:{port}"), _ => true);
        await ProcessLocalRunTests.WaitUntilReadyAsync(webhook, client);

        await MutateAsync(client, Pod("name", "irsa-pod", "s3-reader", "app", "sidecar"));
        await MutateAsync(client, Pod("generateName", "web-", "pod-identity", "app"));
        await MutateAsync(client, Pod("name", "plain-pod", "no-role", "app"));
        await Poll.UntilAsync(() => Task.FromResult(DecisionLines(webhook).Count >= 3), "three decision lines");

        var lines = DecisionLines(webhook);
        Assert.Equal(3, lines.Count);
        var irsa = Assert.Single(lines, l => State(l, "Pod") == "irsa-pod");
        Assert.Equal(100, irsa["EventId"]!.GetValue<int>());
        Assert.Equal("default", State(irsa, "Namespace"));
        Assert.Equal("s3-reader", State(irsa, "ServiceAccount"));
        Assert.Equal("sts_web_identity", State(irsa, "Mode"));
        Assert.Equal("app,sidecar", State(irsa, "Containers"));
        var pods = Assert.Single(lines, l => State(l, "Pod") == "web-");
        Assert.Equal("container_credentials", State(pods, "Mode"));
        Assert.Equal("pod-identity", State(pods, "ServiceAccount"));
        var plain = Assert.Single(lines, l => State(l, "Pod") == "plain-pod");
        Assert.Equal(101, plain["EventId"]!.GetValue<int>());
        Assert.Equal("none", State(plain, "Mode"));
        Assert.Contains("no eks.amazonaws.com/role-arn annotation", State(plain, "Reason"), StringComparison.Ordinal);
        foreach (var line in lines)
        {
            Assert.InRange(double.Parse(State(line, "DurationMs"), CultureInfo.InvariantCulture), 0, 60_000);
        }

        // Names only: never the pod object.
        Assert.DoesNotContain("serviceAccountName", webhook.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("busybox", webhook.Stdout, StringComparison.Ordinal);
    }

    private static async Task MutateAsync(WebhookClient client, JsonObject pod) =>
        Assert.Equal(HttpStatusCode.OK, (await client.MutateAsync(Reviews.For(pod).ToJsonString())).Status);

    private static JsonObject Pod(string nameField, string name, string serviceAccount, params string[] containers) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { [nameField] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject
        {
            ["serviceAccountName"] = serviceAccount,
            ["containers"] = new JsonArray([.. containers.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["image"] = "busybox" })]),
        },
    };

    private static List<JsonObject> DecisionLines(ProductProcess webhook)
    {
        var lines = new List<JsonObject>();
        foreach (var line in webhook.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonNode? entry;
            try
            {
                entry = JsonNode.Parse(line);
            }
            catch (JsonException)
            {
                Assert.Fail($"stdout line is not JSON: {line}");
                throw;
            }

            if (entry is JsonObject json && DecisionEvents.Contains(json["EventId"]?.GetValue<int>() ?? 0))
            {
                lines.Add(json);
            }
        }

        return lines;
    }

    private static string State(JsonObject line, string field) => line["State"]?[field] switch
    {
        null => throw new InvalidOperationException($"the line has no State.{field}: {line.ToJsonString()}"),
        var value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var value => value.ToJsonString(),
    };
}
