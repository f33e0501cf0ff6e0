using System.Reflection;
using System.Security.Authentication;
using System.Text;
using System.Xml.Linq;
using k8s.Models;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Kubernetes;

/// <summary>
/// --kubeconfig and --kube-api through KubernetesClient.Aot, end to end against a
/// <see cref="FakeApiServer"/>: what each request (the library's list and our watch) carries.
/// </summary>
public sealed class KubernetesConnectionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Inline_token_of_the_current_context_is_sent_on_list_and_watch()
    {
        await using var server = await FakeApiServer.StartAsync();
        using var api = Connect(Kubeconfig($"server: {server.Url}", "token: secret-token"));

        await ListAndWatchAsync(server, api);

        Assert.Equal(new[] { "Bearer secret-token", "Bearer secret-token" }, server.Authorizations.ToArray());
    }

    [Fact]
    public async Task Token_file_relative_to_the_kubeconfig_is_read()
    {
        await using var server = await FakeApiServer.StartAsync();
        Directory.CreateDirectory(_directory.File("secrets"));
        _directory.Write("secrets/token", "from-file\n");
        using var api = Connect(Kubeconfig($"server: {server.Url}", "tokenFile: secrets/token"));

        await ListAndWatchAsync(server, api);

        Assert.Equal(new[] { "Bearer from-file", "Bearer from-file" }, server.Authorizations.ToArray());
    }

    [Fact]
    public async Task Exec_plugin_token_is_sent_on_list_and_watch()
    {
        await using var server = await FakeApiServer.StartAsync();
        var plugin = _directory.Write("plugin.sh", """
            #!/bin/bash
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec"}}'
            """);
        using var api = Connect(Kubeconfig(
            $"server: {server.Url}",
            $"exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/bash\n      args: [\"{plugin}\"]"));

        await ListAndWatchAsync(server, api);

        Assert.Equal(new[] { "Bearer from-exec", "Bearer from-exec" }, server.Authorizations.ToArray());
    }

    [Fact]
    public async Task Client_certificate_and_ca_files_are_used_for_list_and_watch()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await FakeApiServer.StartAsync(certificates.Server, c => c.Thumbprint == certificates.Client.Thumbprint);
        _directory.Write("client.crt", certificates.ClientPem);
        _directory.Write("client.key", certificates.ClientKeyPem);
        _directory.Write("ca.crt", certificates.CaPem);
        using var api = Connect(Kubeconfig(
            $"server: {server.Url}\n    certificate-authority: ca.crt",
            "client-certificate: client.crt\n    client-key: " + _directory.File("client.key")));

        await ListAndWatchAsync(server, api);

        Assert.All(server.Authorizations, Assert.Null);
    }

    [Fact]
    public async Task Server_not_signed_by_the_ca_is_refused_unless_insecure_skip_tls_verify()
    {
        using var certificates = TestCertificates.Create();
        using var otherAuthority = TestCertificates.Create();
        await using var server = await FakeApiServer.StartAsync(certificates.Server);
        using var refusing = Connect(Kubeconfig($"server: {server.Url}\n    certificate-authority-data: {Base64(otherAuthority.CaPem)}", "token: t"));
        using var insecure = Connect(Kubeconfig($"server: {server.Url}\n    insecure-skip-tls-verify: true", "token: t"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.ServiceAccounts.ListAsync(new ListOptions(), null, CancellationToken.None));
        await ListAndWatchAsync(server, insecure);

        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task Kube_api_overrides_the_kubeconfig_server()
    {
        await using var server = await FakeApiServer.StartAsync();
        var path = _directory.Write("config", Kubeconfig("server: https://wrong.example", "token: t"));
        using var api = KubernetesConnections.Connect(path, server.Url);

        await ListAndWatchAsync(server, api);
    }

    [Fact]
    public void Kube_api_alone_outside_a_pod_is_the_server_unauthenticated_and_https_without_a_scheme()
    {
        if (KubernetesConnections.IsInCluster())
        {
            return;
        }

        var configuration = KubernetesConnections.FromFlags("", "127.0.0.1:6443");

        Assert.Equal("https://127.0.0.1:6443/", configuration.Host);
        Assert.Null(configuration.AccessToken);
        Assert.Null(configuration.TokenProvider);
    }

    [Fact]
    public async Task User_agent_is_the_webhook_and_its_informational_version()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa");
        using var api = Connect(Kubeconfig($"server: {server.Url}", "token: t"));

        await ListAndWatchAsync(server, api);
        await api.GetServiceAccountAsync("ns", "sa", CancellationToken.None);

        var informational = typeof(KubernetesApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var version = XDocument.Load(Path.Combine(TestFiles.RepositoryRoot, "Directory.Build.props")).Descendants("Version").Single().Value;
        Assert.StartsWith(version, informational, StringComparison.Ordinal);
        Assert.Equal(3, server.UserAgents.Count);
        Assert.All(server.UserAgents, agent => Assert.Equal("pod-identity-webhook/" + informational, agent));
    }

    [Theory]
    [InlineData("current-context: dev", "current-context: other", "other")]
    [InlineData("user: dev-user", "user: bar", "User not found")]
    [InlineData("token: t", "tokenFile: none", "none")]
    [InlineData("clusters:", "clusters: [", "not valid YAML")]
    public void Kubeconfig_errors_name_the_flag_and_path(string replace, string with, string expected)
    {
        var text = Kubeconfig("server: https://api.example", "token: t").Replace(replace, with, StringComparison.Ordinal);
        var path = _directory.Write("config", text);

        var error = Assert.Throws<ConfigurationException>(() => KubernetesConnections.Connect(path, ""));

        Assert.StartsWith($"--kubeconfig {path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_kubeconfig_is_an_error_naming_the_flag_and_path()
    {
        var path = _directory.File("absent");

        var error = Assert.Throws<ConfigurationException>(() => KubernetesConnections.Connect(path, ""));

        Assert.StartsWith($"--kubeconfig {path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_returns_the_typed_object_or_null_when_not_found()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "role");
        using var api = Connect(Kubeconfig($"server: {server.Url}", "token: t"));

        var found = await api.GetServiceAccountAsync("ns", "sa", CancellationToken.None);
        var missing = await api.GetServiceAccountAsync("ns", "other", CancellationToken.None);

        Assert.Equal("role", found!.Metadata.Annotations[FakeApiServer.RoleAnnotation]);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Error_response_carries_the_status_code_and_message()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.FailLists(1);
        using var api = Connect(Kubeconfig($"server: {server.Url}", "token: t"));

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => api.ServiceAccounts.ListAsync(new ListOptions(), null, CancellationToken.None));

        Assert.Equal(500, error.StatusCode);
        Assert.Equal("InternalError", error.Reason);
        Assert.Contains("injected list failure", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsExpired);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>A list, then a watch from it that sees one added ServiceAccount.</summary>
    private static async Task ListAndWatchAsync(FakeApiServer server, KubernetesApi api)
    {
        var page = await api.ServiceAccounts.ListAsync(new ListOptions(), null, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = api.ServiceAccounts.WatchAsync(new ListOptions(), page.ResourceVersion, TimeSpan.FromSeconds(30), timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = events.MoveNextAsync();
        await Eventually.TrueAsync(() => server.ActiveWatches == 1, "watching");
        server.Put("watched", "added", "role");
        Assert.True(await next);
        Assert.Equal(WatchEventType.Added, events.Current.Type);
        Assert.Equal("added", events.Current.Object.Metadata.Name);
        Assert.IsType<V1ServiceAccount>(events.Current.Object);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Kubeconfig(string cluster, string user) => $"""
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: other-cluster
          cluster:
            server: https://wrong.example
        - name: dev-cluster
          cluster:
            {cluster}
        users:
        - name: dev-user
          user:
            {user}
        contexts:
        - name: dev
          context:
            cluster: dev-cluster
            user: dev-user
            namespace: default
        """;

    private KubernetesApi Connect(string kubeconfig) => KubernetesConnections.Connect(_directory.Write("config", kubeconfig), "");
}
