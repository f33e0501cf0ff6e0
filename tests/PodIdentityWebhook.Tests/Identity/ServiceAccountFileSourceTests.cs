using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Identity;

public sealed class ServiceAccountFileSourceTests : IDisposable
{
    private const string Arn = "arn:aws:iam::111122223333:role/app";

    private readonly TempDirectory _directory = new();
    private readonly ListLogger<ServiceAccountFileSource> _logger = new();
    private readonly ServiceAccountParser _parser = new(TestOptions.Default, new ListLogger<ServiceAccountParser>());
    private ServiceAccountFileSource? _source;

    public void Dispose()
    {
        _source?.Dispose();
        _directory.Dispose();
    }

    private ServiceAccountFileSource Start(string fileName, string content)
    {
        var path = _directory.Write(fileName, content);
        _source = new ServiceAccountFileSource(path, _parser, _logger, TimeSpan.FromMilliseconds(100));
        _source.Start();
        return _source;
    }

    [Fact]
    public void Single_object_is_loaded()
    {
        var source = Start("sa.yaml", """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: app
              namespace: team
              resourceVersion: "7"
              annotations:
                eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
                eks.amazonaws.com/token-expiration: 3600
            """);

        Assert.True(source.HasSynced);
        Assert.Equal(new ServiceAccountIdentity("team", "app", "7", Arn, "sts.amazonaws.com", false, 3600), source.Find("team", "app"));
        Assert.Null(source.Find("other", "app"));
    }

    [Fact]
    public void List_items_are_loaded_and_other_kinds_ignored()
    {
        var source = Start("list.yaml", """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ServiceAccount
              metadata:
                name: app
                namespace: team
                annotations:
                  eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/app
            - apiVersion: v1
              kind: ConfigMap
              metadata:
                name: cm
                namespace: team
              data:
                config: "{}"
            - apiVersion: v1
              kind: Pod
              metadata:
                name: pod
              spec:
                containers: [{name: c, image: busybox}]
            - apiVersion: v1
              kind: ServiceAccount
              metadata:
                name: plain
            """);

        Assert.Equal(2, source.Count);
        Assert.Equal(Arn, source.Find("team", "app")?.RoleArn);
        Assert.Null(source.Find("team", "cm"));
        Assert.NotNull(source.Find("default", "plain"));
    }

    [Fact]
    public void ServiceAccountList_items_need_no_kind()
    {
        var source = Start("list.json", """
            {"apiVersion":"v1","kind":"ServiceAccountList","metadata":{"resourceVersion":"100"},
             "items":[{"metadata":{"name":"a","namespace":"x","resourceVersion":"9"}}]}
            """);

        Assert.Equal("9", source.Find("x", "a")?.ResourceVersion);
    }

    [Fact]
    public void Multi_document_yaml_stream_is_loaded()
    {
        var source = Start("multi.yaml", """
            ---
            kind: ServiceAccount
            apiVersion: v1
            metadata: {name: one, namespace: a}
            ---
            kind: Secret
            apiVersion: v1
            metadata: {name: two, namespace: a}
            ---
            kind: ServiceAccount
            apiVersion: v1
            metadata:
              name: three
              namespace: b
              annotations: {eks.amazonaws.com/sts-regional-endpoints: true}
            ---
            """);

        Assert.Equal(2, source.Count);
        Assert.NotNull(source.Find("a", "one"));
        Assert.True(source.Find("b", "three")?.UseRegionalSts);
    }

    [Fact]
    public void Json_as_kubectl_writes_it_is_loaded()
    {
        var source = Start("sa.json", "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"List\",\n\t\"items\": [\n\t\t{\n\t\t\t\"kind\": \"ServiceAccount\",\n" +
            "\t\t\t\"metadata\": {\"name\": \"app\", \"namespace\": \"team\", \"annotations\": {\"eks.amazonaws.com/role-arn\": \"arn:aws:iam::111122223333:role\\/app\"}}\n" +
            "\t\t}\n\t]\n}\n");

        Assert.Equal(Arn, source.Find("team", "app")?.RoleArn);
    }

    [Fact]
    public void Missing_file_at_start_is_a_startup_error_naming_the_flag()
    {
        var path = _directory.File("absent.yaml");
        using var source = new ServiceAccountFileSource(path, _parser, _logger);

        var error = Assert.Throws<ConfigurationException>(source.Start);

        Assert.Contains("--service-accounts-file", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.False(source.HasSynced);
    }

    [Fact]
    public void Unparseable_file_at_start_is_a_startup_error_naming_the_flag()
    {
        var path = _directory.Write("bad.yaml", "kind: [unclosed");
        using var source = new ServiceAccountFileSource(path, _parser, _logger);

        var error = Assert.Throws<ConfigurationException>(source.Start);

        Assert.Contains("--service-accounts-file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_file_is_reloaded()
    {
        var source = Start("sa.yaml", "kind: ServiceAccount\nmetadata: {name: one, namespace: a}\n");
        var version = source.Version;

        _directory.Write("sa.yaml", "kind: ServiceAccount\nmetadata: {name: two, namespace: a}\n");
        await Eventually.TrueAsync(() => source.Version > version, "the reload");

        Assert.Null(source.Find("a", "one"));
        Assert.NotNull(source.Find("a", "two"));
    }

    [Fact]
    public async Task File_rewritten_in_place_is_reloaded()
    {
        var source = Start("sa.yaml", "kind: ServiceAccount\nmetadata: {name: one, namespace: a}\n");
        var version = source.Version;

        await File.WriteAllTextAsync(_directory.File("sa.yaml"), "kind: ServiceAccount\nmetadata: {name: another, namespace: a}\n");
        await Eventually.TrueAsync(() => source.Version > version, "the reload");

        Assert.NotNull(source.Find("a", "another"));
    }

    [Fact]
    public async Task Bad_version_keeps_the_last_good_set()
    {
        var source = Start("sa.yaml", "kind: ServiceAccount\nmetadata: {name: one, namespace: a}\n");
        var version = source.Version;

        _directory.Write("sa.yaml", "kind: ServiceAccount\nmetadata: {name: [broken\n");
        await Eventually.TrueAsync(() => _logger.Has(LogLevel.Error, "does not parse"), "the refused reload logged");

        Assert.True(source.FailedReloads > 0);
        Assert.Equal(version, source.Version);
        Assert.NotNull(source.Find("a", "one"));

        _directory.Write("sa.yaml", "kind: ServiceAccount\nmetadata: {name: two, namespace: a}\n");
        await Eventually.TrueAsync(() => source.Version > version, "the next good reload");
        Assert.NotNull(source.Find("a", "two"));
    }

    [Fact]
    public async Task Deleted_file_keeps_the_last_good_set()
    {
        var source = Start("sa.yaml", "kind: ServiceAccount\nmetadata: {name: one, namespace: a}\n");

        File.Delete(_directory.File("sa.yaml"));
        await Eventually.TrueAsync(() => source.FailedReloads > 0, "the missing file to be noticed");

        Assert.NotNull(source.Find("a", "one"));
    }
}
