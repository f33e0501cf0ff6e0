using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
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
        // Every lookup joined the flight before FindAsync returned; the gate holds the one GET.
        await Eventually.TrueAsync(() => server.Gets.Any(), "the GET is made");
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
    public async Task GETs_are_rate_limited_to_a_burst_then_ten_a_second()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = await SyncedAsync(server, TimeSpan.FromSeconds(20), time);

        var lookups = Enumerable.Range(0, 50).Select(i => sources.Lookup!.FindAsync("ns", "missing-" + i, CancellationToken.None).AsTask()).ToList();
        await Eventually.TrueAsync(() => server.Gets.Count() == ServiceAccountLookup.Burst, "the burst");

        time.Advance(TimeSpan.FromMilliseconds(100));
        await Eventually.TrueAsync(() => server.Gets.Count() == ServiceAccountLookup.Burst + 1, "one more GET after 100 ms");
        Assert.Equal(ServiceAccountLookup.Burst + 1, server.Gets.Count());

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => server.Gets.Count() == ServiceAccountLookup.Burst + 1 + ServiceAccountLookup.PerSecond, "ten more after a second");
        Assert.Equal(ServiceAccountLookup.Burst + 1 + ServiceAccountLookup.PerSecond, server.Gets.Count());

        time.Advance(TimeSpan.FromSeconds(2));
        await Task.WhenAll(lookups).WaitAsync(Eventually.Deadline);
        Assert.Equal(50, server.Gets.Count());
    }

    private static async Task<ApiSources> SyncedAsync(FakeApiServer server, TimeSpan gracePeriod, TimeProvider? time = null)
    {
        var sources = new ApiSources(server, new WebhookOptions { ServiceAccountLookupGracePeriod = gracePeriod }, time: time);
        await sources.SyncedAsync();
        return sources;
    }
}
