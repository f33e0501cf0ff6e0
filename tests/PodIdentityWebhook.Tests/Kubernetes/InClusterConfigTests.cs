using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Tests.Identity;

namespace PodIdentityWebhook.Tests.Kubernetes;

public sealed class InClusterConfigTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly Dictionary<string, string> _environment = new()
    {
        [InClusterConfig.HostVariable] = "10.96.0.1",
        [InClusterConfig.PortVariable] = "443",
    };

    public InClusterConfigTests()
    {
        _directory.Write("token", "token-1\n");
        _directory.Write("ca.crt", _certificates.CaPem);
    }

    [Fact]
    public async Task Service_address_token_and_ca_come_from_the_pod()
    {
        var connection = Load();

        Assert.Equal(new Uri("https://10.96.0.1:443"), connection.Server);
        Assert.Equal("token-1", await connection.Token!.GetTokenAsync(CancellationToken.None));
        Assert.Equal(_certificates.Ca.Thumbprint, Assert.Single(connection.CertificateAuthorities!).Thumbprint);
    }

    [Fact]
    public async Task Rotated_token_is_read_again()
    {
        var connection = Load();
        Assert.Equal("token-1", await connection.Token!.GetTokenAsync(CancellationToken.None));

        _directory.Write("token", "token-2-rotated");

        Assert.Equal("token-2-rotated", await connection.Token.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public void Ipv6_service_host_is_bracketed()
    {
        _environment[InClusterConfig.HostVariable] = "fd00::1";

        _environment[InClusterConfig.PortVariable] = "6443";

        Assert.Equal("https://[fd00::1]:6443/", Load().Server.ToString());
    }

    [Fact]
    public void Kube_api_overrides_the_service_address()
    {
        Assert.Equal(new Uri("https://api.internal:6443"), Load("https://api.internal:6443").Server);
    }

    [Fact]
    public void Missing_environment_is_an_error_naming_the_variables()
    {
        _environment.Remove(InClusterConfig.PortVariable);

        var error = Assert.Throws<KubernetesConfigException>(() => Load());

        Assert.Contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_token_is_an_error_naming_the_path()
    {
        File.Delete(_directory.File("token"));

        var error = Assert.Throws<KubernetesConfigException>(() => Load());

        Assert.Contains("service account token " + _directory.File("token"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_ca_is_an_error_naming_the_path()
    {
        File.Delete(_directory.File("ca.crt"));

        var error = Assert.Throws<KubernetesConfigException>(() => Load());

        Assert.Contains("service account CA " + _directory.File("ca.crt"), error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _directory.Dispose();
    }

    private KubernetesConnection Load(string? kubeApi = null) =>
        InClusterConfig.Load(kubeApi, name => _environment.GetValueOrDefault(name), _directory.File("token"), _directory.File("ca.crt"));
}
