using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Tests.Identity;

public class ConfigMapIdentitySourceTests
{
    private readonly ListLogger<ConfigMapIdentitySource> _logger = new();

    [Fact]
    public void Not_synced_until_the_first_update()
    {
        var source = new ConfigMapIdentitySource(TestOptions.Default, _logger);

        Assert.False(source.HasSynced);
        Assert.Null(source.Find("ns", "sa"));

        source.Update(null);

        Assert.True(source.HasSynced);
    }

    [Fact]
    public void Update_replaces_the_table_and_removed_keys_stop_applying()
    {
        var source = new ConfigMapIdentitySource(TestOptions.Default, _logger);

        Assert.True(source.Update("""{"ns/a": {"RoleARN": "r"}, "ns/b": {"RoleARN": "r"}}"""));
        Assert.True(source.Update("""{"ns/b": {"RoleARN": "r2"}}"""));

        Assert.Null(source.Find("ns", "a"));
        Assert.Equal("r2", source.Find("ns", "b")?.RoleArn);
    }

    [Fact]
    public void Invalid_json_keeps_the_last_good_table()
    {
        var source = new ConfigMapIdentitySource(TestOptions.Default, _logger);
        source.Update("""{"ns/a": {"RoleARN": "r"}}""");

        Assert.False(source.Update("{broken"));

        Assert.Equal("r", source.Find("ns", "a")?.RoleArn);
        Assert.Equal(1, source.Version);
        Assert.True(_logger.Has(LogLevel.Error, "not valid JSON"));
    }

    [Fact]
    public void Deleted_ConfigMap_means_no_entries()
    {
        var source = new ConfigMapIdentitySource(TestOptions.Default, _logger);
        source.Update("""{"ns/a": {"RoleARN": "r"}}""");

        source.Update(null);

        Assert.Null(source.Find("ns", "a"));
    }
}
