using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>
/// Reviews the webhook must accept (under the 4 MiB cap) sent faster than the heap limit of a
/// 256Mi container can hold: whatever runs out of review memory, in any step of a review's
/// life, is answered 503 (shed) and never 500; nothing is thrown unhandled; ordinary
/// reviews keep their patch; and resident memory never reaches the container's limit. Memory
/// after such a burst is not held to the hostile suite's 1.5x bar: the heap keeps part of what
/// large allowed reviews needed (see the limits in docs/operating.md).
/// </summary>
[Collection(HostileTrafficGroup.Name)]
public sealed class MemoryPressureTests(ITestOutputHelper output)
{
    private const long ContainerLimit = 256L * 1024 * 1024;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Scenarios => [.. HostileScenarios.MemoryPressure.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Allowed_reviews_past_the_heap_limit_are_shed_with_503_never_500(string name)
    {
        var scenario = HostileScenarios.MemoryPressure.Single(s => s.Name == name);
        await using var webhook = await AttackRun.StartWebhookAsync();

        var result = await AttackRun.RunAsync(scenario, webhook, Duration, TimeSpan.FromSeconds(5), untilRecovered: false);
        output.WriteLine(result.ToString());

        Assert.True(result.Alive, $"the webhook died: {result}\n{webhook.Tail()}");
        var failures = result.Answers.Where(a => a.Key.Length == 3 && a.Key[0] == '5' && a.Key != "503").ToList();
        Assert.True(failures.Count == 0, $"server errors other than 503: {result}");
        Assert.True(result.Answers.GetValueOrDefault("200") > 0, $"no large review was answered: {result}");
        Assert.True(result.ErrorLogLines.Count == 0, $"errors logged (an unhandled exception is logged as one): {result}\n{webhook.Tail()}");
        Assert.DoesNotContain(webhook.Tail(int.MaxValue).Split('\n'), line => line.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase));
        Assert.True(result.OrdinaryFailures.Count == 0, result.ToString());
        Assert.True(result.PeakRss < ContainerLimit, $"resident memory reached the 256Mi container limit: {result}");
    }
}
