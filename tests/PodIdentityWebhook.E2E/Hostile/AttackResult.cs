using System.Globalization;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>What one attack did to the webhook.</summary>
internal sealed record AttackResult(
    string Scenario,
    bool Alive,
    long StartRss,
    long PeakRss,
    long AfterRss,
    TimeSpan AfterWait,
    IReadOnlyDictionary<string, int> Answers,
    int ServerErrors,
    int OrdinaryAnswered,
    IReadOnlyList<string> OrdinaryFailures,
    double OrdinaryP99Ms,
    IReadOnlyList<string> ErrorLogLines)
{
    /// <summary>The bar of the reliability issue: RSS back within this factor of its start.</summary>
    public const double RecoveryFactor = 1.5;

    public bool Recovered => AfterRss <= StartRss * RecoveryFactor;

    public string AnswerSummary => string.Join(", ", Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Scenario}: alive {Alive}; RSS start {Mb(StartRss)}, peak {Mb(PeakRss)}, {Mb(AfterRss)} after {AfterWait.TotalSeconds:F0} s; "
        + $"answers {AnswerSummary}; ordinary reviews answered {OrdinaryAnswered}, failed {OrdinaryFailures.Count} "
        + $"({string.Join(" | ", OrdinaryFailures.Take(3))}), p99 {OrdinaryP99Ms:F1} ms; "
        + $"{ErrorLogLines.Count} error log lines {string.Join("\n", ErrorLogLines.Take(2))}");

    public static string Mb(long bytes) => ProcessMemory.Megabytes(bytes);
}
