using BenchmarkDotNet.Running;
using PodIdentityWebhook.Benchmarks;

if (args.Length > 0 && args[0] == CacheMemory.Command)
{
    return await CacheMemory.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(ReviewBenchmarks).Assembly).Run(args);
return 0;
