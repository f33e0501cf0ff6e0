using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Benchmarks;

/// <summary>
/// Measures what the ServiceAccount cache keeps per ServiceAccount: 100k annotated
/// ServiceAccounts listed through the real informer and projection, managed heap before and
/// after (<c>GC.GetTotalMemory(true)</c>). Two shapes: many ServiceAccounts sharing a few
/// roles, and every ServiceAccount with its own role. Run: <c>scripts/measure-cache-memory.sh</c>.
/// </summary>
internal static class CacheMemory
{
    public const string Command = "cache-memory";

    private const int Namespaces = 1000;
    private const int PageSize = 500;

    private static readonly string[] SharedRoles =
    [
        "arn:aws:iam::111122223333:role/eks-s3-reader",
        "arn:aws:iam::111122223333:role/eks-dynamodb-writer",
        "arn:aws:iam::111122223333:role/eks-sqs-consumer",
        "arn:aws:iam::111122223333:role/eks-secrets-reader",
        "arn:aws:iam::111122223333:role/eks-cloudwatch-agent",
        "arn:aws:iam::444455556666:role/external-dns",
        "arn:aws:iam::444455556666:role/cluster-autoscaler",
        "arn:aws:iam::444455556666:role/aws-load-balancer-controller",
    ];

    /// <summary>
    /// <c>cache-memory shared|distinct [count]</c>. One shape per process: a second
    /// measurement in the same process would see the first one's garbage collected.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var shape = args.Length > 1 ? args[1] : "shared";
        if (shape is not ("shared" or "distinct"))
        {
            await Console.Error.WriteLineAsync($"usage: {Command} shared|distinct [count]");
            return 2;
        }

        var count = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
        var distinct = shape == "distinct";
        var perAccount = await MeasureAsync(count, distinct);
        var roles = distinct ? "one role ARN each" : $"{SharedRoles.Length} role ARNs shared";
        Console.WriteLine(
            $"{count:N0} annotated ServiceAccounts in {Namespaces} namespaces, {roles}: {perAccount:F0} bytes per ServiceAccount");
        return 0;
    }

    private static async Task<double> MeasureAsync(int count, bool distinctRoles)
    {
        var options = new WebhookOptions();
        var pages = Pages(count, distinctRoles, options.AnnotationPrefix);
        var parser = new ServiceAccountParser(options, NullLogger<ServiceAccountParser>.Instance);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var cache = new ServiceAccountCache(new ListOnlyApi(pages), parser, options, NullLogger<ServiceAccountCache>.Instance);
        using (var stop = new CancellationTokenSource())
        {
            var run = cache.RunAsync(stop.Token);
            await cache.WaitForSyncAsync(CancellationToken.None);
            await stop.CancelAsync();
            await run;
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        if (cache.Count != count || cache.Find("team-0007", Name(7 + (7 * Namespaces))) is not { RoleArn: not null })
        {
            throw new InvalidOperationException($"the cache holds {cache.Count} ServiceAccounts, expected {count}");
        }

        GC.KeepAlive(cache);
        GC.KeepAlive(pages);
        return (after - before) / (double)count;
    }

    private static string Name(int i) => "workload-" + i.ToString("D6", CultureInfo.InvariantCulture);

    // ServiceAccounts as the API server lists them: numeric resourceVersions, a uid, a
    // creation timestamp, and annotations the webhook does not read.
    private static List<byte[]> Pages(int count, bool distinctRoles, string prefix)
    {
        var pages = new List<byte[]>();
        var builder = new StringBuilder();
        for (var start = 0; start < count; start += PageSize)
        {
            var end = Math.Min(count, start + PageSize);
            var next = end < count ? (pages.Count + 1).ToString(CultureInfo.InvariantCulture) : "";
            builder.Clear().Append(CultureInfo.InvariantCulture, $$"""{"kind":"ServiceAccountList","apiVersion":"v1","metadata":{"resourceVersion":"987654321","continue":"{{next}}"},"items":[""");
            for (var i = start; i < end; i++)
            {
                var ns = "team-" + (i % Namespaces).ToString("D4", CultureInfo.InvariantCulture);
                var name = Name(i);
                var role = distinctRoles
                    ? $"arn:aws:iam::111122223333:role/{ns}-{name}"
                    : SharedRoles[i % SharedRoles.Length];
                var regional = i % 10 == 0 ? $$""","{{prefix}}/sts-regional-endpoints":"true" """ : "";
                builder.Append(i == start ? "" : ",").Append(CultureInfo.InvariantCulture, $$$"""
                    {"metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","uid":"{{{Guid.NewGuid()}}}","resourceVersion":"{{{123456789 + i}}}","creationTimestamp":"2025-01-01T00:00:00Z","annotations":{"{{{prefix}}}/role-arn":"{{{role}}}"{{{regional}}},"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\"}"
                    """).Append("}}}");
            }

            builder.Append("]}");
            pages.Add(Encoding.UTF8.GetBytes(builder.ToString()));
        }

        return pages;
    }
}
