using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Tests.Kubernetes;

namespace PodIdentityWebhook.Tests.Identity;

public sealed class ServiceAccountCacheTests
{
    private const string Role = "arn:aws:iam::111122223333:role/reader";

    [Fact]
    public async Task Listed_ServiceAccounts_are_found_with_their_parsed_identity()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("team-a", "reader", Role);
        server.Put("team-a", "plain");
        await using var sources = new ApiSources(server);

        Assert.False(sources.Cache.HasSynced);
        await sources.SyncedAsync();

        var reader = sources.Cache.Find("team-a", "reader");
        Assert.NotNull(reader);
        Assert.Equal(("team-a", "reader", Role), (reader.Namespace, reader.Name, reader.RoleArn));
        Assert.Same(sources.Options.TokenAudience, reader.Audience);
        Assert.Equal(sources.Options.TokenExpiration, reader.TokenExpiration);
        Assert.Equal("101", reader.ResourceVersion);
        var plain = sources.Cache.Find("team-a", "plain");
        Assert.NotNull(plain);
        Assert.Null(plain.RoleArn);
        Assert.Null(sources.Cache.Find("team-b", "reader"));
        Assert.Equal("/api/v1/serviceaccounts", sources.Client.ServiceAccounts.Path);
    }

    [Fact]
    public async Task Added_modified_and_deleted_ServiceAccounts_show_in_the_cache()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "changed", Role);
        server.Put("ns", "removed", Role);
        await using var sources = new ApiSources(server);
        await sources.SyncedAsync();
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watching");

        server.Put("ns", "added", Role);
        server.Put("ns", "changed", "arn:aws:iam::111122223333:role/writer");
        server.Delete("ns", "removed");

        await Eventually.TrueAsync(
            () => sources.Cache.Find("ns", "added") is not null
                && sources.Cache.Find("ns", "changed")?.RoleArn == "arn:aws:iam::111122223333:role/writer"
                && sources.Cache.Find("ns", "removed") is null,
            "the three events in the cache");
    }

    [Fact]
    public async Task Relist_after_410_drops_ServiceAccounts_deleted_while_the_watch_was_away()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "gone", Role);
        server.Put("ns", "stays", Role);
        await using var sources = new ApiSources(server);
        await sources.SyncedAsync();
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watching");

        server.Delete("ns", "gone", notify: false);
        server.Put("ns", "new", Role, notify: false);
        server.Compact();
        server.EndWatches();

        await Eventually.TrueAsync(
            () => sources.Cache.Find("ns", "gone") is null && sources.Cache.Find("ns", "new") is not null,
            "the re-list reconciled");
        Assert.NotNull(sources.Cache.Find("ns", "stays"));
        Assert.Equal(2, sources.Cache.Count);
    }

    [Fact]
    public async Task Annotations_use_the_configured_prefix_and_defaults()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", Role);
        var options = new PodIdentityWebhook.Options.WebhookOptions { AnnotationPrefix = "example.com", TokenExpiration = 7200 };
        await using var sources = new ApiSources(server, options);
        await sources.SyncedAsync();

        // The fake server annotates with eks.amazonaws.com, which this prefix does not read.
        var account = sources.Cache.Find("ns", "sa");
        Assert.NotNull(account);
        Assert.Null(account.RoleArn);
        Assert.Equal(7200, account.TokenExpiration);
    }

    [Theory]
    [InlineData("12345", "12345")]
    [InlineData("0", "0")]
    [InlineData("007", "007")]
    [InlineData("opaque-v1", "opaque-v1")]
    [InlineData(null, null)]
    public void Cached_resourceVersion_reads_back_exactly(string? stored, string? expected)
    {
        var account = new CachedServiceAccount(stored, null, null, "sts.amazonaws.com", false, 86400);

        Assert.Equal(expected, account.ToIdentity("ns", "sa").ResourceVersion);
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/team/reader")]
    [InlineData("arn:aws-cn:iam::111122223333:role/r")]
    [InlineData("not-an-arn")]
    [InlineData("")]
    public void Role_ARN_split_for_storage_reads_back_whole(string roleArn)
    {
        var split = CachedServiceAccount.PrefixLength(roleArn);
        var account = split > 0
            ? new CachedServiceAccount("1", roleArn[..split], roleArn[split..], "a", false, 600)
            : new CachedServiceAccount("1", null, roleArn, "a", false, 600);

        Assert.Equal(roleArn, account.RoleArn);
    }

    [Fact]
    public void String_pool_shares_equal_values_until_full()
    {
        var pool = new StringPool(capacity: 1);
        var first = pool.Intern(new string('a', 3));

        Assert.Same(first, pool.Intern(new string('a', 3)));
        var other = new string('b', 3);
        Assert.Same(other, pool.Intern(other));
        Assert.NotSame(pool.Intern(new string('b', 3)), other);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public async Task Clear_empties_the_cache_and_lists_again_at_once_picking_up_changes_the_watch_missed()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "reader", Role);
        await using var sources = new ApiSources(server);
        await sources.SyncedAsync();
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watching");
        server.Put("ns", "missed", Role, notify: false);
        var lists = server.Lists.Count();

        sources.Cache.Clear();

        await Eventually.TrueAsync(() => server.Lists.Count() > lists, "a new list");
        await Eventually.TrueAsync(
            () => sources.Cache.Find("ns", "reader") is not null && sources.Cache.Find("ns", "missed") is not null,
            "both ServiceAccounts back from the list");
        Assert.True(sources.Cache.HasSynced);
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watching again, once");
    }
}
