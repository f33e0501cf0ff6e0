using System.Globalization;
using PodIdentityWebhook.E2E.Hostile;

namespace PodIdentityWebhook.Load;

/// <summary>
/// Runs every attack of <see cref="HostileScenarios"/> against its own published webhook
/// (under a 256Mi container's heap limit) and prints one table row each: peak memory, what the
/// attacker was answered, the ordinary reviews' p99 meanwhile, and memory 60 s later.
/// </summary>
internal static class AttackTable
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var arguments = new Arguments(args);
        var duration = TimeSpan.FromSeconds(arguments.Number("seconds", 20));
        var after = TimeSpan.FromSeconds(arguments.Number("after", 60));
        var results = new List<AttackResult>();
        var only = arguments.Optional("only");
        foreach (var scenario in HostileScenarios.All.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            await using var webhook = await AttackRun.StartWebhookAsync();
            var result = await AttackRun.RunAsync(scenario, webhook, duration, after, untilRecovered: false);
            Console.Error.WriteLine(result);
            Console.Error.WriteLine(webhook.Tail(8));
            results.Add(result);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Each attack {duration.TotalSeconds:F0} s against the published webhook with DOTNET_GCHeapHardLimit={AttackRun.ContainerHeapLimit}; an ordinary review every 100 ms meanwhile."));
        Console.WriteLine();
        Console.WriteLine("| scenario | alive | RSS start | RSS peak | attacker's answers | ordinary reviews (answered / failed) | ordinary p99 | RSS 60 s after |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {(r.Alive ? "yes" : "NO")} | {AttackResult.Mb(r.StartRss)} | {AttackResult.Mb(r.PeakRss)} | {r.AnswerSummary} | {r.OrdinaryAnswered} / {r.OrdinaryFailures.Count} | {r.OrdinaryP99Ms:F1} ms | {AttackResult.Mb(r.AfterRss)} |"));
        }

        var passed = results.All(r => r.Alive && r.ServerErrors == 0 && r.OrdinaryFailures.Count == 0 && r.Recovered);
        Console.WriteLine();
        Console.WriteLine(passed
            ? "All attacks: alive, no 5xx, every ordinary review answered, memory back within 1.5x of its start."
            : "FAILED: see the rows above.");
        return passed ? 0 : 1;
    }
}
