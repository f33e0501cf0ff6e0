using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Identity;

public sealed class ContainerCredentialsFileSourceTests : IDisposable
{
    private const string OneIdentity = """{"identities":[{"namespace":"ns","serviceAccount":"sa"}]}""";
    private const string OtherIdentity = """{"identities":[{"namespace":"ns","serviceAccount":"other"}]}""";

    private readonly TempDirectory _directory = new();
    private readonly ListLogger<ContainerCredentialsFileSource> _logger = new();
    private ContainerCredentialsFileSource? _source;

    public void Dispose()
    {
        _source?.Dispose();
        _directory.Dispose();
    }

    private ContainerCredentialsFileSource Start(string path, bool watchDirectory = true)
    {
        _source = new ContainerCredentialsFileSource(path, _logger, TimeSpan.FromMilliseconds(100), watchDirectory);
        _source.Start();
        return _source;
    }

    [Fact]
    public void Listed_identities_are_contained()
    {
        var source = Start(_directory.Write("config.json",
            """{"identities":[{"namespace":"ns","serviceAccount":"sa"},{"namespace":"ns2","serviceAccount":"sa2"}]}"""));

        Assert.True(source.Contains("ns", "sa"));
        Assert.True(source.Contains("ns2", "sa2"));
        Assert.False(source.Contains("ns", "sa2"));
    }

    [Fact]
    public void Keys_match_without_regard_to_case_like_go()
    {
        var source = Start(_directory.Write("config.json", """{"Identities":[{"NAMESPACE":"ns","serviceaccount":"sa"}]}"""));

        Assert.True(source.Contains("ns", "sa"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("""{"identities":null}""")]
    public void Empty_file_means_no_identities(string content)
    {
        var source = Start(_directory.Write("config.json", content));

        Assert.Equal(0, source.Count);
        Assert.Equal(1, source.Version);
    }

    [Fact]
    public void Missing_file_means_no_identities()
    {
        var source = Start(_directory.File("config.json"));

        Assert.Equal(0, source.Count);
    }

    [Fact]
    public void Unparseable_file_at_start_is_a_startup_error_naming_the_flag()
    {
        using var source = new ContainerCredentialsFileSource(_directory.Write("config.json", "{not json"), _logger);

        var error = Assert.Throws<ConfigurationException>(source.Start);

        Assert.Contains("--watch-container-credentials-config", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_rewrite_is_reloaded()
    {
        var path = _directory.Write("config.json", OneIdentity);
        var source = Start(path);
        var version = source.Version;

        await File.WriteAllTextAsync(path, OtherIdentity);
        await Eventually.TrueAsync(() => source.Version > version, "the reload");

        Assert.False(source.Contains("ns", "sa"));
        Assert.True(source.Contains("ns", "other"));
    }

    [Fact]
    public async Task File_appearing_later_is_loaded_and_deletion_clears_it()
    {
        var path = _directory.File("config.json");
        var source = Start(path);

        _directory.Write("config.json", OneIdentity);
        await Eventually.TrueAsync(() => source.Contains("ns", "sa"), "the new file to load");

        File.Delete(path);
        await Eventually.TrueAsync(() => source.Count == 0, "the deletion to clear the identities");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConfigMap_symlink_swap_is_reloaded(bool watchDirectory)
    {
        var volume = new ConfigMapVolume(_directory.Path);
        var path = volume.Publish("config.json", OneIdentity);
        var source = Start(path, watchDirectory);
        Assert.True(source.Contains("ns", "sa"));
        var version = source.Version;

        // Same length and written within the same clock tick: only the resolved path differs.
        volume.Publish("config.json", OtherIdentity.Replace("other", "sb", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => source.Version > version, "the reload after the ..data swap");

        Assert.False(source.Contains("ns", "sa"));
        Assert.True(source.Contains("ns", "sb"));
    }

    [Fact]
    public async Task Bad_version_keeps_the_last_good_set()
    {
        var volume = new ConfigMapVolume(_directory.Path);
        var path = volume.Publish("config.json", OneIdentity);
        var source = Start(path);
        var version = source.Version;

        volume.Publish("config.json", """{"identities":[{"namespace":""");
        await Eventually.TrueAsync(() => _logger.Has(LogLevel.Error, "does not parse"), "the refused reload logged");

        Assert.True(source.FailedReloads > 0);
        Assert.Equal(version, source.Version);
        Assert.True(source.Contains("ns", "sa"));
    }
}
