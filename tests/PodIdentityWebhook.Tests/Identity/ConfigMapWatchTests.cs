using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Tests.Kubernetes;

namespace PodIdentityWebhook.Tests.Identity;

public sealed class ConfigMapWatchTests
{
    private const string Ns = "eks";
    private const string Name = "pod-identity-webhook";

    [Fact]
    public async Task Synced_after_the_first_list_even_without_the_ConfigMap()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = new ApiSources(server, watchConfigMap: true);

        await sources.SyncedAsync();

        Assert.True(sources.ConfigMap!.HasSynced);
        Assert.Equal(0, sources.ConfigMap.Count);
        var list = Assert.Single(server.Lists, l => l.Contains("configmaps", StringComparison.Ordinal));
        Assert.Contains("fieldSelector=metadata.name%3Dpod-identity-webhook", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Created_updated_and_deleted_ConfigMap_drives_the_entries()
    {
        await using var server = await FakeApiServer.StartAsync();
        await using var sources = new ApiSources(server, watchConfigMap: true);
        await SyncedAndWatchingAsync(server, sources);
        var watch = sources.ConfigMap!;

        server.PutConfigMap(Ns, Name, Config("""{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/a"},"app/writer":{"RoleARN":"arn:aws:iam::111122223333:role/w"}}"""));
        await Eventually.TrueAsync(() => watch.Find("app", "reader")?.RoleArn == "arn:aws:iam::111122223333:role/a", "created");

        server.PutConfigMap(Ns, Name, Config("""{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/b"}}"""));
        await Eventually.TrueAsync(() => watch.Find("app", "reader")?.RoleArn == "arn:aws:iam::111122223333:role/b", "updated");
        Assert.Null(watch.Find("app", "writer"));

        server.DeleteConfigMap(Ns, Name);
        await Eventually.TrueAsync(() => watch.Find("app", "reader") is null, "deleted ConfigMap clears the entries");
        Assert.Equal(0, watch.Count);
    }

    [Fact]
    public async Task Removing_the_config_key_stops_every_entry()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.PutConfigMap(Ns, Name, Config("""{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/a"}}"""));
        await using var sources = new ApiSources(server, watchConfigMap: true);
        await SyncedAndWatchingAsync(server, sources);
        Assert.NotNull(sources.ConfigMap!.Find("app", "reader"));

        server.PutConfigMap(Ns, Name, new Dictionary<string, string> { ["other"] = "x" });

        await Eventually.TrueAsync(() => sources.ConfigMap.Find("app", "reader") is null, "entries gone with the key");
    }

    [Fact]
    public async Task Bad_JSON_keeps_the_last_good_table_and_logs()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.PutConfigMap(Ns, Name, Config("""{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/a"}}"""));
        await using var sources = new ApiSources(server, watchConfigMap: true);
        await SyncedAndWatchingAsync(server, sources);

        server.PutConfigMap(Ns, Name, Config("{not json"));

        await Eventually.TrueAsync(() => sources.ConfigMapLog.Has(LogLevel.Error, "not valid JSON"), "the parse error logged");
        Assert.Equal("arn:aws:iam::111122223333:role/a", sources.ConfigMap!.Find("app", "reader")?.RoleArn);
    }

    [Fact]
    public async Task Star_namespace_matches_any_namespace_and_other_ConfigMaps_are_ignored()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.PutConfigMap(Ns, Name, Config("""{"*/shared":{"RoleARN":"arn:aws:iam::111122223333:role/s","TokenExpiration":0}}"""));
        server.PutConfigMap(Ns, "something-else", Config("""{"*/other":{"RoleARN":"arn:aws:iam::111122223333:role/o"}}"""));
        server.PutConfigMap("elsewhere", Name, Config("""{"*/other":{"RoleARN":"arn:aws:iam::111122223333:role/o"}}"""));
        await using var sources = new ApiSources(server, watchConfigMap: true);
        await sources.SyncedAsync();

        var entry = sources.ConfigMap!.Find("any-namespace", "shared");
        Assert.NotNull(entry);
        Assert.Equal(sources.Options.TokenExpiration, entry.TokenExpiration);
        Assert.Null(sources.ConfigMap.Find("any-namespace", "other"));
    }

    private static Dictionary<string, string> Config(string json) => new() { ["config"] = json };

    private static async Task SyncedAndWatchingAsync(FakeApiServer server, ApiSources sources)
    {
        await sources.SyncedAsync();
        await Eventually.TrueAsync(() => server.ActiveWatches == 2, "both informers watching");
    }

    [Fact]
    public async Task Clear_drops_the_entries_and_lists_the_ConfigMap_again()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.PutConfigMap(Ns, Name, Config("""{"app/reader":{"RoleARN":"arn:aws:iam::111122223333:role/a"}}"""));
        await using var sources = new ApiSources(server, watchConfigMap: true);
        await SyncedAndWatchingAsync(server, sources);
        var lists = server.Lists.Count(l => l.Contains("configmaps", StringComparison.Ordinal));

        sources.ConfigMap!.Clear();

        await Eventually.TrueAsync(() => server.Lists.Count(l => l.Contains("configmaps", StringComparison.Ordinal)) > lists, "a new list");
        await Eventually.TrueAsync(() => sources.ConfigMap.Find("app", "reader") is not null, "the entry back from the list");
    }
}
