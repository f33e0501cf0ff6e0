using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace PodIdentityWebhook.Benchmarks;

/// <summary>
/// Few, short iterations: the build machine has two cores and the whole run must stay
/// within a few minutes. The targets are an order of magnitude apart from the noise this
/// leaves, so the median of seven quarter-second iterations is enough to judge them.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(Job.ShortRun
            .WithWarmupCount(3)
            .WithIterationCount(7)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median);
        HideColumns(Column.Job, Column.IterationCount, Column.WarmupCount, Column.LaunchCount, Column.IterationTime);
    }
}
