using System.Diagnostics;
using System.Globalization;
using PodIdentityWebhook.E2E;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Webhook;

namespace PodIdentityWebhook.Load;

/// <summary>
/// Process start to <c>/readyz</c> 200 against a real API server holding N annotated
/// ServiceAccounts: the time a new replica (or a rollout) takes before it admits pods.
/// Each run starts a fresh process; the first run pays the disk cache, so the median counts.
/// </summary>
internal static class StartupMeasurement
{
    /// <summary>Issue 12's target for the Native AOT build, with 1,000 ServiceAccounts.</summary>
    private const double TargetSeconds = 0.1;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var arguments = new Arguments(args);
        var accounts = arguments.Number("service-accounts", 1000);
        var runs = arguments.Number("runs", 5);

        var plane = new ControlPlaneFixture();
        await plane.InitializeAsync();
        try
        {
            Console.WriteLine($"control plane ready in {plane.StartupTime.TotalSeconds:F1} s; creating {accounts} annotated ServiceAccounts");
            await CreateServiceAccountsAsync(plane, accounts);

            var times = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var clock = Stopwatch.StartNew();
                await using (var webhook = await RunningWebhook.StartAsync(plane.WebhookHost, plane.KubeconfigPath))
                {
                    times.Add(clock.Elapsed.TotalSeconds);
                }

                Console.WriteLine($"run {run}: {times[^1].ToString("F2", CultureInfo.InvariantCulture)} s from process start to /readyz 200");
            }

            var sorted = times.Order().ToList();
            var median = sorted[sorted.Count / 2];
            Console.WriteLine($"startup with {accounts} ServiceAccounts: median {median.ToString("F2", CultureInfo.InvariantCulture)} s " +
                $"(min {sorted[0].ToString("F2", CultureInfo.InvariantCulture)}, max {sorted[^1].ToString("F2", CultureInfo.InvariantCulture)}; " +
                $"{runs} runs; target <= {TargetSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {(median <= TargetSeconds ? "met" : "NOT met")})");
            return 0;
        }
        finally
        {
            await plane.DisposeAsync();
        }
    }

    private static async Task CreateServiceAccountsAsync(ControlPlaneFixture plane, int count)
    {
        const int Namespaces = 10;
        for (var n = 0; n < Namespaces; n++)
        {
            await plane.Rest.CreateNamespaceAsync($"startup-{n}");
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await plane.Rest.CreateServiceAccountAsync($"startup-{i % Namespaces}", $"app-{i}", Roles.Annotations($"app-{i}")));
    }
}
