using System.Diagnostics;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Kubernetes;

namespace PodIdentityWebhook.Tests.Identity;

public sealed class ServiceAccountLookupTests
{
    private const string Role = "arn:aws:iam::111122223333:role/late";

    [Fact]
    public async Task Concurrent_misses_for_one_ServiceAccount_share_one_GET()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.FromSeconds(10));
        server.Put("ns", "late", Role, notify: false);
        server.GetGate = new TaskCompletionSource();

        var lookups = Enumerable.Range(0, 25).Select(_ => sources.Lookup!.FindAsync("ns", "late", CancellationToken.None).AsTask()).ToList();
        await Eventually.TrueAsync(() => server.Gets.Any(), "the GET is made");
        await Task.Delay(100);
        server.GetGate.SetResult();
        var found = await Task.WhenAll(lookups).WaitAsync(Eventually.Deadline);

        Assert.All(found, account => Assert.Equal(Role, account?.RoleArn));
        Assert.Equal(["GET ns/late"], server.Gets);
    }

    [Fact]
    public async Task ServiceAccount_found_by_GET_mutates_the_pod_and_is_cached()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.FromSeconds(10));
        server.Put("ns", "late", Role, notify: false);
        using var missing = new MissingServiceAccountCounter(sources.Metrics);

        var resolution = await sources.Resolver().ResolveAsync("ns", "late", CancellationToken.None);

        Assert.Equal(Role, resolution.Identity?.RoleArn);
        Assert.True(resolution.ServiceAccountFound);
        Assert.Equal(Role, sources.Cache.Find("ns", "late")?.RoleArn);
        Assert.Equal(0, missing.Total);
    }

    [Fact]
    public async Task ServiceAccount_that_does_not_exist_is_admitted_unmutated_and_counted()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.FromSeconds(10));
        using var missing = new MissingServiceAccountCounter(sources.Metrics);

        var resolution = await sources.Resolver().ResolveAsync("ns", "nobody", CancellationToken.None);

        Assert.Null(resolution.Identity);
        Assert.False(resolution.ServiceAccountFound);
        Assert.Equal(1, missing.Total);
        Assert.Single(server.Gets);
    }

    [Fact]
    public async Task Without_a_grace_period_a_miss_makes_no_GET_and_is_counted()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.Zero);
        server.Put("ns", "late", Role, notify: false);
        using var missing = new MissingServiceAccountCounter(sources.Metrics);

        var resolution = await sources.Resolver().ResolveAsync("ns", "late", CancellationToken.None);

        Assert.Null(resolution.Identity);
        Assert.Equal(1, missing.Total);
        Assert.Empty(server.Gets);
    }

    [Fact]
    public async Task A_pod_waits_at_most_the_grace_period()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.FromMilliseconds(300));
        server.Put("ns", "late", Role, notify: false);
        server.GetGate = new TaskCompletionSource();
        using var missing = new MissingServiceAccountCounter(sources.Metrics);

        var clock = Stopwatch.StartNew();
        var resolution = await sources.Resolver().ResolveAsync("ns", "late", CancellationToken.None);
        clock.Stop();
        server.GetGate.SetResult();

        Assert.Null(resolution.Identity);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        Assert.Equal(1, missing.Total);
    }

    [Fact]
    public async Task The_watch_delivering_the_ServiceAccount_ends_the_wait()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watching");
        server.GetGate = new TaskCompletionSource();

        var clock = Stopwatch.StartNew();
        var lookup = sources.Lookup!.FindAsync("ns", "late", CancellationToken.None).AsTask();
        await Eventually.TrueAsync(() => server.Gets.Any(), "the GET is made");
        server.Put("ns", "late", Role);
        var account = await lookup.WaitAsync(Eventually.Deadline);
        server.GetGate.SetResult();

        Assert.Equal(Role, account?.RoleArn);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task GETs_are_rate_limited_to_a_burst_then_about_ten_a_second()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.FromSeconds(20));

        var clock = Stopwatch.StartNew();
        var lookups = Enumerable.Range(0, 50).Select(i => sources.Lookup!.FindAsync("ns", "missing-" + i, CancellationToken.None).AsTask()).ToList();
        await Task.Delay(100);
        var early = server.Gets.Count();
        var earlyAt = clock.Elapsed;
        await Eventually.TrueAsync(() => server.Gets.Count() >= 30, "ten more GETs");
        var tenMoreAfter = clock.Elapsed;
        await Task.WhenAll(lookups).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(early <= ServiceAccountLookup.Burst + 2, $"{early} GETs within {earlyAt.TotalMilliseconds} ms");
        Assert.True(tenMoreAfter >= TimeSpan.FromMilliseconds(700), $"30 GETs after {tenMoreAfter.TotalMilliseconds} ms");
        Assert.Equal(50, server.Gets.Count());
    }

    private static async Task<ApiSources> SyncedAsync(FakeApiServer server, TimeSpan gracePeriod)
    {
        var sources = new ApiSources(server, new WebhookOptions { ServiceAccountLookupGracePeriod = gracePeriod });
        await sources.SyncedAsync();
        return sources;
    }
}
