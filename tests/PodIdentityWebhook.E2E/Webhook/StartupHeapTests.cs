using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The published webhook starts without garbage collections (<c>Hosting/StartupHeap</c>): a
/// start with 1,000 ServiceAccounts allocates about 19 MB, which the 2 MiB gen0 of the Native
/// AOT build collected in eight collections. In a no-GC region it runs exactly two: the one that
/// enters the region and the compacting one once the webhook is ready. Under a heap limit too
/// small for a region it starts as before. The process's own collection counters (its
/// <c>/metrics</c>) tell.
/// </summary>
public sealed partial class StartupHeapTests
{
    private const int Accounts = 1000;

    [Fact]
    public async Task A_start_with_1000_service_accounts_collects_only_entering_the_region_and_once_ready()
    {
        var counts = await CollectionsOnceReadyAsync(environment: null);

        Assert.Equal((2L, 2L), counts);
    }

    [Fact]
    public async Task Under_a_48_MB_heap_limit_the_start_opens_no_region_and_collects_as_before()
    {
        // A region larger than the heap limit allows made the start fail with an out-of-memory
        // abort; a quarter of 48 MB is under the smallest region worth opening.
        // The runtime reads the limit as hexadecimal without 0x: 0x3000000 bytes.
        var counts = await CollectionsOnceReadyAsync(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "3000000" });

        Assert.True(counts.All > 2, $"{counts.All} collections: a start this size runs several without a region");
    }

    /// <summary>All collections (gen0's counter counts every one) and the full (gen2) ones, once a start's second full collection is in.</summary>
    private static async Task<(long All, long Full)> CollectionsOnceReadyAsync(IReadOnlyDictionary<string, string>? environment)
    {
        var folder = Directory.CreateTempSubdirectory("piw-startup-heap-").FullName;
        try
        {
            var file = Path.Combine(folder, "service-accounts.yaml");
            await File.WriteAllTextAsync(file, Roles.ServiceAccountsYaml(Accounts, "heap", 10));
            await using var webhook = await RunningWebhook.StartAsync(
                RunningWebhook.ConfiguredHost() ?? IPAddress.Loopback, TimeSpan.FromMilliseconds(20), environment, "--service-accounts-file", file);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var metrics = new Uri($"http://{webhook.MetricsEndpoint}/metrics");

            var counts = (All: 0L, Full: 0L);
            await Poll.UntilAsync(async () =>
            {
                counts = Collections(await http.GetStringAsync(metrics));
                return counts.Full >= 2;
            }, TimeSpan.FromSeconds(10), "a second full collection once the webhook is ready");
            return counts;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (long All, long Full) Collections(string exposition)
    {
        long Count(string generation) =>
            CollectionsLine().Matches(exposition).Where(m => m.Groups["generation"].Value == generation)
                .Select(m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture)).Single();

        return (Count("0"), Count("2"));
    }

    [GeneratedRegex("""^dotnet_gc_collections_total\{generation="(?<generation>\d)"\} (?<count>\d+)$""", RegexOptions.Multiline)]
    private static partial Regex CollectionsLine();
}
