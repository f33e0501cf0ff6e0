using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Kubernetes;

public sealed class InformerTests
{
    private static readonly TimeSpan MoreThanAnyBackoff = InformerHarness.FastOptions.MaxBackoff * 2;

    [Fact]
    public async Task Initial_list_is_read_in_pages_and_reports_synced()
    {
        await using var server = await FakeApiServer.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            server.Put("ns", "sa" + i, "role" + i);
        }

        await using var harness = new InformerHarness(server);
        await harness.Informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);

        Assert.Equal(7, harness.Informer.Count);
        Assert.Equal("role6", harness.RoleOf("ns", "sa6"));
        var lists = server.Lists.ToList();
        Assert.Equal(3, lists.Count);
        Assert.All(lists, l => Assert.Contains("limit=3", l, StringComparison.Ordinal));
        Assert.Contains("continue=", lists[1], StringComparison.Ordinal);

        // The first list is served from the API server's watch cache (as client-go's reflector
        // lists); its continuation pages carry only the token, which the API server requires.
        Assert.Contains("resourceVersion=0", lists[0], StringComparison.Ordinal);
        Assert.All(lists.Skip(1), l => Assert.DoesNotContain("resourceVersion", l, StringComparison.Ordinal));
        Assert.Equal(server.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), harness.Informer.ResourceVersion);
    }

    [Fact]
    public async Task A_prefetched_first_list_is_the_informers_first_list()
    {
        await using var server = await FakeApiServer.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            server.Put("ns", "sa" + i, "role" + i);
        }

        await using var harness = new InformerHarness(server, prefetch: true);
        await harness.Informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);

        Assert.Equal(7, harness.Informer.Count);
        var lists = server.Lists.ToList();
        Assert.Equal(3, lists.Count);
        Assert.Contains("resourceVersion=0", lists[0], StringComparison.Ordinal);
        Assert.All(lists.Skip(1), l => Assert.Contains("continue=", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_prefetch_is_a_failed_first_list_the_informer_retries()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "role");
        server.FailLists(1);

        await using var harness = new InformerHarness(server, prefetch: true);
        await harness.Informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.Deadline);

        Assert.Equal("role", harness.RoleOf("ns", "sa"));
        var lists = server.Lists.ToList();
        Assert.Equal(2, lists.Count);
        Assert.All(lists, l => Assert.Contains("resourceVersion=0", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_events_add_modify_and_delete_cached_objects()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "kept", "a");
        server.Put("ns", "removed", "b");
        await using var harness = new InformerHarness(server);
        await SyncedAndWatchingAsync(server, harness);

        server.Put("ns", "added", "c");
        server.Put("ns", "kept", "a2");
        server.Delete("ns", "removed");

        await Eventually.TrueAsync(() => harness.RoleOf("ns", "added") == "c" && harness.RoleOf("ns", "kept") == "a2" && harness.RoleOf("ns", "removed") is null, "events applied");
        Assert.Single(server.Lists);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Expired_watch_lists_again_and_forgets_objects_deleted_meanwhile(bool asErrorEvent)
    {
        await using var server = await FakeApiServer.StartAsync();
        server.ExpireWithErrorEvent = asErrorEvent;
        server.Put("ns", "gone", "a");
        server.Put("ns", "stays", "b");
        var handler = new CountingHandler();
        await using var harness = new InformerHarness(server, handler: handler);
        await SyncedAndWatchingAsync(server, harness);

        // Changes the informer never hears about, then history is compacted and the watch ends.
        server.Delete("ns", "gone", notify: false);
        server.Put("ns", "new", "c", notify: false);
        server.Compact();
        server.EndWatches();

        await Eventually.TrueAsync(() => harness.RoleOf("ns", "gone") is null && harness.RoleOf("ns", "new") == "c", "re-list reconciled the cache");
        Assert.Equal("b", harness.RoleOf("ns", "stays"));
        Assert.Equal(2, server.Lists.Count());

        // After 410 Gone the cache may be what fell behind: the re-list asks for the latest.
        Assert.DoesNotContain("resourceVersion", server.Lists.Last(), StringComparison.Ordinal);
        Assert.Equal(1, handler.Deletes);
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watching again after the re-list");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Watch_cut_mid_event_reconnects_and_catches_up(bool abort)
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "before", "a");
        await using var harness = new InformerHarness(server);
        await SyncedAndWatchingAsync(server, harness);
        var listedAt = harness.Informer.ResourceVersion;

        server.PutAndCutMidEvent("ns", "cut", "whole", abort);
        server.Put("ns", "after", "b");

        await Eventually.TrueAsync(() => harness.RoleOf("ns", "cut") == "whole" && harness.RoleOf("ns", "after") == "b", "caught up after the cut");
        Assert.Equal("a", harness.RoleOf("ns", "before"));
        Assert.Equal(3, harness.Informer.Count);
        Assert.Single(server.Lists);
        Assert.Contains($"resourceVersion={listedAt}", server.Watches.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_until_they_stop()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "a");
        server.FailLists(3);
        server.FailWatches(2);
        await using var harness = new InformerHarness(server);

        await SyncedAndWatchingAsync(server, harness);
        Assert.Equal(4, server.Lists.Count());
        Assert.Equal(3, server.Watches.Count());
        server.Put("ns", "sa2", "b");
        await Eventually.TrueAsync(() => harness.RoleOf("ns", "sa2") == "b", "watch works after failures");
    }

    [Fact]
    public async Task Watch_error_event_other_than_expired_rewatches_without_listing()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "a");
        await using var harness = new InformerHarness(server);
        await SyncedAndWatchingAsync(server, harness);

        server.FailWithErrorEvent = true;
        server.FailWatches(1);
        server.EndWatches();
        await Eventually.TrueAsync(() => server.Watches.Count() >= 3 && server.ActiveWatches == 1, "watching again");
        Assert.Single(server.Lists);
    }

    [Fact]
    public async Task Server_down_at_start_is_retried_until_it_comes_up()
    {
        await using var server = FakeApiServer.CreateStopped();
        server.Put("ns", "sa", "a");
        var time = new TimerCountingTimeProvider();
        await using var harness = new InformerHarness(server, time: time);

        await time.TimersCreatedAsync(1, "backoff after the first failed list");
        time.Advance(MoreThanAnyBackoff);
        await time.TimersCreatedAsync(2, "backoff after the retry failed too");
        Assert.False(harness.Informer.HasSynced);
        await server.StartAsync();
        time.Advance(MoreThanAnyBackoff);

        await Eventually.TrueAsync(() => harness.Informer.HasSynced, "synced once the server is up");
        Assert.Equal("a", harness.RoleOf("ns", "sa"));
    }

    [Fact]
    public async Task Server_that_goes_away_and_returns_is_caught_up_with()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "gone", "a");
        server.Put("ns", "changed", "b");
        await using var harness = new InformerHarness(server);
        await SyncedAndWatchingAsync(server, harness);

        await server.StopAsync();
        server.Delete("ns", "gone");
        server.Put("ns", "changed", "b2");
        server.Put("ns", "new", "c");
        await server.StartAsync();

        // History is kept, so the informer resumes its watch without listing again.
        await Eventually.TrueAsync(
            () => harness.RoleOf("ns", "gone") is null && harness.RoleOf("ns", "changed") == "b2" && harness.RoleOf("ns", "new") == "c",
            "caught up after the restart");
        Assert.Single(server.Lists);
    }

    [Fact]
    public async Task Bookmark_moves_the_resource_version_the_next_watch_starts_from()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "a");
        await using var harness = new InformerHarness(server);
        await SyncedAndWatchingAsync(server, harness);

        var bookmark = server.Bookmark();
        await Eventually.TrueAsync(() => harness.Informer.ResourceVersion == bookmark, "bookmark seen");
        server.EndWatches();

        await Eventually.TrueAsync(() => server.Watches.Any(w => w.Contains($"resourceVersion={bookmark}", StringComparison.Ordinal)), "re-watch from the bookmark");
        Assert.All(server.Watches, w => Assert.Contains("allowWatchBookmarks=true", w, StringComparison.Ordinal));
        Assert.Equal(1, harness.Informer.Count);
    }

    [Fact]
    public async Task Slow_list_is_not_synced_until_it_completes()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "a");
        server.ListGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = new InformerHarness(server);

        await Eventually.TrueAsync(() => server.Lists.Any(), "list requested");
        Assert.False(harness.Informer.HasSynced);
        server.ListGate.SetResult();

        await Eventually.TrueAsync(() => harness.Informer.HasSynced, "synced after the slow list");
        Assert.Equal("a", harness.RoleOf("ns", "sa"));
    }

    [Fact]
    public async Task Resync_delivers_the_cache_to_the_handler_again()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa1", "a");
        server.Put("ns", "sa2", "b");
        var handler = new CountingHandler();
        await using var harness = new InformerHarness(server, InformerHarness.FastOptions with { ResyncPeriod = TimeSpan.FromMilliseconds(50) }, handler);

        await Eventually.TrueAsync(() => handler.Upserts >= 6, "three rounds of two");
        Assert.Equal(0, handler.Deletes);
    }

    [Fact]
    public async Task Cancellation_while_watching_returns_without_throwing()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "a");
        var harness = new InformerHarness(server);
        await SyncedAndWatchingAsync(server, harness);

        await harness.StopAsync();
        Assert.True(harness.Run.IsCompletedSuccessfully);
        await harness.DisposeAsync();
    }

    [Fact]
    public async Task Cancellation_while_the_server_is_down_returns_without_throwing()
    {
        await using var server = FakeApiServer.CreateStopped();
        var time = new TimerCountingTimeProvider();
        var harness = new InformerHarness(server, time: time);
        await time.TimersCreatedAsync(1, "backoff after the first failed list");

        await harness.StopAsync();
        Assert.True(harness.Run.IsCompletedSuccessfully);
        Assert.False(harness.Informer.HasSynced);
        Assert.Equal(1, time.TimersCreated);
        await harness.DisposeAsync();
    }

    [Fact]
    public async Task Listed_is_told_of_each_complete_list_and_WatchRestarted_of_each_watch_after_the_first()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "a");
        var listed = 0;
        var restarts = 0;
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = InformerHarness.FastOptions with
        {
            Listed = () => Interlocked.Increment(ref listed),
            WatchRestarted = () =>
            {
                Interlocked.Increment(ref restarts);
                restarted.TrySetResult();
            },
        };
        await using var harness = new InformerHarness(server, options);
        await SyncedAndWatchingAsync(server, harness);
        Assert.Equal(1, Volatile.Read(ref listed));
        Assert.Equal(0, Volatile.Read(ref restarts));

        server.EndWatches();
        await restarted.Task.WaitAsync(Eventually.Deadline);

        Assert.Equal(1, Volatile.Read(ref restarts));
        Assert.Equal(1, Volatile.Read(ref listed));
    }

    private static async Task SyncedAndWatchingAsync(FakeApiServer server, InformerHarness harness)
    {
        await Eventually.TrueAsync(() => harness.Informer.HasSynced, "initial list");
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watch open");
    }
}
