using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using PodIdentityWebhook.E2E.Hostile;

namespace PodIdentityWebhook.Load;

/// <summary>
/// Sends N hostile reviews to a running webhook and judges it: no 5xx, no failed request
/// (a crash or a dropped connection), the process alive at the end, and resident memory flat
/// (the last quarter's samples no higher than the first quarter's peak plus 20%).
/// </summary>
internal static class FuzzRun
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var arguments = new Arguments(args);
        var seed = arguments.Number("seed", 1);
        if (arguments.Optional("write-corpus") is { } corpus)
        {
            return WriteCorpus(corpus, seed);
        }

        var url = new Uri(arguments.Text("url"));
        var memory = new ProcessMemory(arguments.Number("pid", 0));
        var count = arguments.Number("count", 100_000);
        var concurrency = arguments.Number("concurrency", 4);

        var generator = new HostileReviews(seed, arguments.Optional("only"));
        var gate = new object();
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = new ConcurrentQueue<string>();
        using var http = Loopback.Client(concurrency);
        var clock = Stopwatch.StartNew();
        memory.Sample();

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, cancel) =>
        {
            (string Kind, byte[] Body) input;
            lock (gate)
            {
                input = generator.Next();
            }

            try
            {
                using var content = new ByteArrayContent(input.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(url, content, cancel);
                await response.Content.ReadAsByteArrayAsync(cancel);
                var code = (int)response.StatusCode;
                statuses.AddOrUpdate($"{input.Kind} {code}", 1, (_, n) => n + 1);
                if (code >= 500)
                {
                    failures.Enqueue($"#{i} {input.Kind}: {code}");
                }
            }
            catch (HttpRequestException ex)
            {
                failures.Enqueue($"#{i} {input.Kind}: {ex.Message}");
            }

            if (i % 1000 == 0)
            {
                lock (memory)
                {
                    memory.Sample();
                }
            }
        });

        var alive = memory.Sample();
        Console.WriteLine($"{count} inputs in {clock.Elapsed.TotalSeconds:F0} s (seed {seed}, {concurrency} at a time)");
        foreach (var (key, n) in statuses.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {key}: {n}");
        }

        var flat = memory.IsFlat;
        Console.WriteLine($"memory: {memory}");
        Console.WriteLine($"5xx or failed requests: {failures.Count}; process alive at the end: {alive}");
        foreach (var failure in failures.Take(20))
        {
            Console.WriteLine("  " + failure);
        }

        return failures.IsEmpty && alive && flat ? 0 : 1;
    }

    /// <summary>One small input of every kind, for the regression corpus of the unit suite.</summary>
    private static int WriteCorpus(string folder, int seed)
    {
        Directory.CreateDirectory(folder);
        var generator = new HostileReviews(seed);
        foreach (var kind in new[] { "truncated", "wrong-type", "deep-nesting", "invalid-utf8", "duplicate-keys", "missing-field", "other-kind", "byte-flips" })
        {
            File.WriteAllBytes(Path.Combine(folder, kind + ".json"), generator.Make(kind));
        }

        File.WriteAllText(Path.Combine(folder, "many-containers.json"), generator.ManyContainers(2_000));
        Console.WriteLine($"corpus written to {folder}");
        return 0;
    }
}
