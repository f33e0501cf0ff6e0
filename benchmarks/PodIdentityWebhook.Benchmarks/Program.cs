using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(PodIdentityWebhook.Benchmarks.ReviewBenchmarks).Assembly).Run(args);
