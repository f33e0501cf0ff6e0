using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// The published webhook starts without garbage collections (<c>Hosting/StartupHeap</c>): a
/// start with 1,000 ServiceAccounts allocates about 19 MB, which the 2 MiB gen0 of the Native
/// AOT build collected in eight collections. In a no-GC region it runs exactly two: the one that
/// enters the region and the compacting one once the webhook is ready. The process's own
/// collection counters (its <c>/metrics</c>) tell.
/// </summary>
public sealed partial class StartupHeapTests
{
    [Fact]
    public async Task A_start_with_1000_service_accounts_collects_only_entering_the_region_and_once_ready()
    {
        var folder = Directory.CreateTempSubdirectory("piw-startup-heap-").FullName;
        try
        {
            var file = Path.Combine(folder, "service-accounts.yaml");
            await File.WriteAllTextAsync(file, Roles.ServiceAccountsYaml(1000, "heap", 10));
            await using var webhook = await RunningWebhook.StartAsync(
                RunningWebhook.ConfiguredHost() ?? IPAddress.Loopback, TimeSpan.FromMilliseconds(20), "--service-accounts-file", file);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var metrics = new Uri($"http://{webhook.MetricsEndpoint}/metrics");

            var counts = (All: 0L, Full: 0L);
            await Poll.UntilAsync(async () =>
            {
                counts = Collections(await http.GetStringAsync(metrics));
                return counts.Full >= 2;
            }, TimeSpan.FromSeconds(10), "the compacting collection once the webhook is ready");

            Assert.Equal((2L, 2L), counts);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>All collections so far (gen0's counter counts every one) and the full (gen2) ones.</summary>
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
