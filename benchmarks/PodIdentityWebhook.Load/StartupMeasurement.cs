using System.Diagnostics;
using System.Globalization;
using System.Net;
using PodIdentityWebhook.E2E;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Webhook;

namespace PodIdentityWebhook.Load;

/// <summary>
/// Process start to <c>/readyz</c> 200 with N annotated ServiceAccounts, read from a real API
/// server (<c>--source api</c>), from a file (<c>--source file</c>), or both (the default): the
/// time a new replica (or a rollout) takes before it admits pods. Each run starts a fresh
/// process, after one start that is not counted (<see cref="MeasureAsync"/>); the median counts. The clock starts as the
/// process is started, after the harness has written its certificate, and <c>/readyz</c> is
/// polled every 5 ms, so a figure is at most that much late. <c>--trust-store image</c> gives the
/// webhook the CA store of the image (the one bundle file, no folder of certificates) instead of
/// the machine's: .NET reads the whole store before the first TLS handshake, and on a host with
/// a folder of certificates beside the bundle that is most of the start (docs/performance.md).
/// </summary>
internal static class StartupMeasurement
{
    /// <summary>Issue 12's target for the Native AOT build, with 1,000 ServiceAccounts.</summary>
    private const double TargetSeconds = 0.1;

    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(5);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var arguments = new Arguments(args);
        var accounts = arguments.Number("service-accounts", 1000);
        var runs = arguments.Number("runs", 5);
        var source = arguments.Text("source", "both");
        if (source is not ("api" or "file" or "both"))
        {
            throw new ArgumentException($"--source is api, file or both, not \"{source}\"");
        }

        using var trustStore = TrustStore.For(arguments.Text("trust-store", "host"));
        Console.WriteLine(trustStore.Description);

        if (source is "file" or "both")
        {
            var folder = Directory.CreateTempSubdirectory("piw-startup-").FullName;
            try
            {
                var file = Path.Combine(folder, "service-accounts.yaml");
                await File.WriteAllTextAsync(file, Roles.ServiceAccountsYaml(accounts, NamespacePrefix, Namespaces));
                await MeasureAsync($"{accounts} ServiceAccounts from a file", runs,
                    () => RunningWebhook.StartAsync(IPAddress.Loopback, ReadyPoll, trustStore.Environment, "--service-accounts-file", file));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        if (source is "api" or "both")
        {
            var plane = new ControlPlaneFixture();
            await plane.InitializeAsync();
            try
            {
                Console.WriteLine($"control plane ready in {plane.StartupTime.TotalSeconds:F1} s; creating {accounts} annotated ServiceAccounts");
                await CreateServiceAccountsAsync(plane, accounts);
                await MeasureAsync($"{accounts} ServiceAccounts from the API server", runs,
                    () => RunningWebhook.StartAsync(plane.WebhookHost, ReadyPoll, trustStore.Environment, "--kubeconfig", plane.KubeconfigPath));
            }
            finally
            {
                await plane.DisposeAsync();
            }
        }

        return 0;
    }

    /// <remarks>
    /// One start comes first and is not counted: on its first handshake the harness (a JIT
    /// compiled .NET process) reads its own CA store and compiles its HTTP and TLS code, which
    /// made the first run of every set 0.1-0.2 s slower than the rest.
    /// </remarks>
    private static async Task MeasureAsync(string what, int runs, Func<Task<RunningWebhook>> start)
    {
        var times = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            double seconds;
            await using (var webhook = await start())
            {
                seconds = Stopwatch.GetElapsedTime(webhook.StartedAt).TotalSeconds;
            }

            if (run == 0)
            {
                Console.WriteLine($"warm-up: {Seconds(seconds)} s from process start to /readyz 200 (not counted)");
                continue;
            }

            times.Add(seconds);
            Console.WriteLine($"run {run}: {Seconds(seconds)} s from process start to /readyz 200");
        }

        var sorted = times.Order().ToList();
        var median = sorted[sorted.Count / 2];
        Console.WriteLine($"startup with {what}: median {Seconds(median)} s (min {Seconds(sorted[0])}, max {Seconds(sorted[^1])}; " +
            $"{runs} runs; target <= {TargetSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {(median <= TargetSeconds ? "met" : "NOT met")})");
    }

    private static string Seconds(double seconds) => seconds.ToString("F3", CultureInfo.InvariantCulture);

    private const int Namespaces = 10;
    private const string NamespacePrefix = "startup";

    private static async Task CreateServiceAccountsAsync(ControlPlaneFixture plane, int count)
    {
        for (var n = 0; n < Namespaces; n++)
        {
            await plane.Rest.CreateNamespaceAsync($"{NamespacePrefix}-{n}");
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await plane.Rest.CreateServiceAccountAsync($"{NamespacePrefix}-{i % Namespaces}", $"app-{i}", Roles.Annotations($"app-{i}")));
    }
}
