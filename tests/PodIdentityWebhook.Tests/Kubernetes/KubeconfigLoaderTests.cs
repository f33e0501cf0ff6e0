using System.Text;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Tests.Identity;

namespace PodIdentityWebhook.Tests.Kubernetes;

public sealed class KubeconfigLoaderTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TestCertificates _certificates = TestCertificates.Create();

    [Fact]
    public async Task Inline_token_and_server_of_the_current_context_are_used()
    {
        var connection = Load(Kubeconfig(cluster: "server: https://api.example:6443", user: "token: secret-token"));

        Assert.Equal(new Uri("https://api.example:6443"), connection.Server);
        Assert.Equal("secret-token", await connection.Token!.GetTokenAsync(CancellationToken.None));
        Assert.Null(connection.CertificateAuthorities);
        Assert.Null(connection.ClientCertificate);
        Assert.False(connection.InsecureSkipTlsVerify);
    }

    [Fact]
    public async Task Token_file_relative_to_the_kubeconfig_is_read_and_followed()
    {
        Directory.CreateDirectory(_directory.File("secrets"));
        _directory.Write("secrets/token", "first\n");
        var connection = Load(Kubeconfig(cluster: "server: https://api.example", user: "tokenFile: secrets/token"));

        Assert.Equal("first", await connection.Token!.GetTokenAsync(CancellationToken.None));
        _directory.Write("secrets/token", "second-longer\n");
        Assert.Equal("second-longer", await connection.Token.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public void Client_certificate_and_key_files_and_ca_file_are_loaded()
    {
        _directory.Write("client.crt", _certificates.ClientPem);
        _directory.Write("client.key", _certificates.ClientKeyPem);
        _directory.Write("ca.crt", _certificates.CaPem);
        var connection = Load(Kubeconfig(
            cluster: "server: https://api.example\n    certificate-authority: ca.crt",
            user: "client-certificate: client.crt\n    client-key: " + _directory.File("client.key")));

        Assert.Equal(_certificates.Client.Thumbprint, connection.ClientCertificate!.Thumbprint);
        Assert.True(connection.ClientCertificate.HasPrivateKey);
        Assert.Equal(_certificates.Ca.Thumbprint, Assert.Single(connection.CertificateAuthorities!).Thumbprint);
        Assert.Null(connection.Token);
    }

    [Fact]
    public void Inline_certificate_data_is_loaded_and_wins_over_files()
    {
        var connection = Load(Kubeconfig(
            cluster: $"server: https://api.example\n    certificate-authority: missing.crt\n    certificate-authority-data: {Base64(_certificates.CaPem)}",
            user: $"client-certificate-data: {Base64(_certificates.ClientPem)}\n    client-key-data: {Base64(_certificates.ClientKeyPem)}"));

        Assert.Equal(_certificates.Client.Thumbprint, connection.ClientCertificate!.Thumbprint);
        Assert.Equal(_certificates.Ca.Thumbprint, Assert.Single(connection.CertificateAuthorities!).Thumbprint);
    }

    [Fact]
    public void Insecure_skip_tls_verify_and_tls_server_name_are_honoured()
    {
        var connection = Load(Kubeconfig(cluster: "server: https://10.0.0.1\n    insecure-skip-tls-verify: true\n    tls-server-name: kubernetes", user: "token: t"));

        Assert.True(connection.InsecureSkipTlsVerify);
        Assert.Equal("kubernetes", connection.TlsServerName);
    }

    [Fact]
    public void Kube_api_overrides_the_cluster_server()
    {
        var path = _directory.Write("config", Kubeconfig(cluster: "server: https://api.example", user: "token: t"));

        var connection = KubeconfigLoader.Load(path, "http://127.0.0.1:8080");

        Assert.Equal(new Uri("http://127.0.0.1:8080"), connection.Server);
    }

    [Theory]
    [InlineData("current-context: other", "current-context \"other\" is not defined")]
    [InlineData("current-context: \"\"", "no current-context is set")]
    public void Missing_context_is_an_error_naming_it(string currentContext, string expected)
    {
        var text = Kubeconfig(cluster: "server: https://api.example", user: "token: t").Replace("current-context: dev", currentContext, StringComparison.Ordinal);

        AssertFails(text, expected);
    }

    [Fact]
    public void Context_naming_an_undefined_user_is_an_error_naming_both()
    {
        var text = Kubeconfig(cluster: "server: https://api.example", user: "token: t").Replace("user: dev-user", "user: bar", StringComparison.Ordinal);

        AssertFails(text, "context \"dev\" names user \"bar\" that is not defined");
    }

    [Fact]
    public void Context_naming_an_undefined_cluster_is_an_error_naming_both()
    {
        var text = Kubeconfig(cluster: "server: https://api.example", user: "token: t").Replace("cluster: dev-cluster", "cluster: elsewhere", StringComparison.Ordinal);

        AssertFails(text, "context \"dev\" names cluster \"elsewhere\" that is not defined");
    }

    [Fact]
    public void Cluster_without_server_is_an_error()
    {
        AssertFails(Kubeconfig(cluster: "insecure-skip-tls-verify: true", user: "token: t"), "cluster \"dev-cluster\" has no server");
    }

    [Fact]
    public void Unreadable_kubeconfig_is_an_error_naming_the_flag_and_path()
    {
        var path = _directory.File("absent");

        var error = Assert.Throws<KubernetesConfigException>(() => KubeconfigLoader.Load(path, null));

        Assert.StartsWith($"--kubeconfig {path}: cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_referenced_file_is_an_error_naming_setting_and_path()
    {
        var error = AssertFails(Kubeconfig(cluster: "server: https://api.example\n    certificate-authority: nope/ca.crt", user: "token: t"), "cluster \"dev-cluster\" certificate-authority");

        Assert.Contains(_directory.File("nope/ca.crt"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_without_key_is_an_error()
    {
        _directory.Write("client.crt", _certificates.ClientPem);

        AssertFails(Kubeconfig(cluster: "server: https://api.example", user: "client-certificate: client.crt"), "user \"dev-user\" has a client certificate without a key");
    }

    [Fact]
    public void Exec_credentials_are_refused_with_a_clear_message()
    {
        AssertFails(Kubeconfig(cluster: "server: https://api.example", user: "exec:\n      command: aws"), "authenticates with exec, which this webhook does not support");
    }

    [Fact]
    public void Bad_yaml_is_an_error()
    {
        AssertFails("clusters: [\n", "not valid YAML");
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _directory.Dispose();
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

    private KubernetesConnection Load(string text) => KubeconfigLoader.Load(_directory.Write("config", text), null);

    private KubernetesConfigException AssertFails(string text, string expected)
    {
        var path = _directory.Write("config", text);
        var error = Assert.Throws<KubernetesConfigException>(() => KubeconfigLoader.Load(path, null));
        Assert.StartsWith($"--kubeconfig {path}", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        return error;
    }
}
