using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>
/// The published webhook, under the heap limit a 256Mi container gets, survives each attack:
/// alive, no answer of 500 or more, nothing logged as an error, every ordinary review answered
/// with its patch throughout, and resident memory back within 1.5x of its start within 60 s.
/// No API server is needed.
/// </summary>
[Collection(HostileTrafficGroup.Name)]
public sealed class HostileTrafficTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Scenarios => [.. HostileScenarios.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Webhook_in_a_256Mi_container_survives_the_attack_and_gives_memory_back(string name)
    {
        var scenario = HostileScenarios.All.Single(s => s.Name == name);
        await using var webhook = await AttackRun.StartWebhookAsync();

        var result = await AttackRun.RunAsync(scenario, webhook, Duration, RecoveryWait, untilRecovered: true);
        output.WriteLine(result.ToString());

        Assert.True(result.Alive, $"the webhook died: {result}\n{webhook.Tail()}");
        Assert.True(result.ServerErrors == 0, result.ToString());
        Assert.True(result.OrdinaryFailures.Count == 0, result.ToString());
        Assert.True(result.OrdinaryAnswered >= 50, $"too few ordinary reviews got through: {result}");
        Assert.True(result.ErrorLogLines.Count == 0, $"client behaviour was logged as an error: {result}");
        Assert.True(result.Recovered, $"memory not back within {AttackResult.RecoveryFactor}x of its start: {result}");
    }
}
