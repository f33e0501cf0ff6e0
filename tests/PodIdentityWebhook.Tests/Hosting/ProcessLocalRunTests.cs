using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>The README's local run, as a real process: it starts, becomes ready and mutates the sample review.</summary>
public class ProcessLocalRunTests
{
    [Fact]
    public async Task Local_run_from_the_README_becomes_ready_and_patches_the_sample_review()
    {
        using var webhook = StartLocalRun(out var client);
        using (client)
        {
            await WaitUntilReadyAsync(webhook, client);

            var review = JsonNode.Parse(File.ReadAllText(TestFiles.Example("admission-review.json")))!;
            var reply = await client.MutateAsync(review.ToJsonString());

            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.Equal(review["request"]!["uid"]!.GetValue<string>(), reply.Response["uid"]?.GetValue<string>());
            var pod = JsonPatch.Apply(review["request"]!["object"]!, Reviews.Patch(reply.Response));
            var env = pod["spec"]!["containers"]![0]!["env"]!.AsArray();
            Assert.Contains(env, e => e?["name"]?.GetValue<string>() == "AWS_ROLE_ARN"
                && e["value"]?.GetValue<string>() == "arn:aws:iam::111122223333:role/s3-reader");
            Assert.Equal("aws-iam-token", pod["spec"]!["volumes"]![0]!["name"]!.GetValue<string>());
        }

        webhook.Kill();
        Assert.True(webhook.HasExited);
    }

    [Fact]
    public async Task Sigterm_stops_the_local_run_within_10_seconds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var webhook = StartLocalRun(out var client);
        using (client)
        {
            await WaitUntilReadyAsync(webhook, client);
        }

        Signals.Terminate(webhook.Id);

        await webhook.WaitForExitAsync(TimeSpan.FromSeconds(10));
        Assert.True(webhook.ExitCode == 0, webhook.ToString());
    }

    private static ProductProcess StartLocalRun(out WebhookClient client)
    {
        var port = FreePort.Pick();
        var webhook = ProductProcess.Start(
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--metrics-port", FreePort.Pick().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind-address", "127.0.0.1",
            "--self-signed-cert",
            "--service-accounts-file", "examples/service-accounts.yaml");

        // The process generates its certificate in memory: any certificate will do for this client.
        client = new WebhookClient(new Uri($"https://127.0.0.1:{port}"), _ => true);
        return webhook;
    }

    internal static Task WaitUntilReadyAsync(ProductProcess webhook, WebhookClient client) =>
        Poll.UntilAsync(async () =>
        {
            Assert.False(webhook.HasExited, $"the webhook stopped before becoming ready: {webhook}");
            try
            {
                return (await client.GetAsync("/readyz")).Status == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "/readyz to answer 200");
}
