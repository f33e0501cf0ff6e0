using System.Security.Authentication;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Tests.Kubernetes;

public sealed class KubernetesApiClientTests
{
    [Fact]
    public async Task Get_returns_the_object_or_null_when_not_found()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.Put("ns", "sa", "role");
        using var client = new KubernetesApiClient(new KubernetesConnection(new Uri(server.Url), "test"));

        using var found = await client.GetAsync("/api/v1/namespaces/ns/serviceaccounts/sa", CancellationToken.None);
        using var missing = await client.GetAsync("/api/v1/namespaces/ns/serviceaccounts/other", CancellationToken.None);

        Assert.Equal("sa", found!.RootElement.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Null(missing);
    }

    [Fact]
    public async Task Error_response_carries_the_status_code_and_message()
    {
        await using var server = await FakeApiServer.StartAsync();
        server.FailLists(1);
        using var client = new KubernetesApiClient(new KubernetesConnection(new Uri(server.Url), "test"));

        var error = await Assert.ThrowsAsync<KubernetesApiException>(() => client.ListAsync(FakeApiServer.CollectionPath, new ListOptions(), null, CancellationToken.None));

        Assert.Equal(500, error.StatusCode);
        Assert.Equal("InternalError", error.Reason);
        Assert.Contains("injected list failure", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsExpired);
    }

    [Fact]
    public async Task Bearer_token_is_sent_and_a_rotated_one_is_picked_up()
    {
        using var directory = new Identity.TempDirectory();
        var tokenPath = directory.Write("token", "first");
        await using var server = await FakeApiServer.StartAsync();
        var connection = new KubernetesConnection(new Uri(server.Url), "test") { Token = FileTokenSource.Open(tokenPath, "test") };
        using var client = new KubernetesApiClient(connection);

        (await client.ListAsync(FakeApiServer.CollectionPath, new ListOptions(), null, CancellationToken.None)).Dispose();
        directory.Write("token", "second");
        (await client.ListAsync(FakeApiServer.CollectionPath, new ListOptions(), null, CancellationToken.None)).Dispose();

        Assert.Equal(new[] { "Bearer first", "Bearer second" }, server.Authorizations.ToArray());
    }

    [Fact]
    public async Task Tls_server_is_trusted_through_the_configured_ca_and_sees_the_client_certificate()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await FakeApiServer.StartAsync(certificates.Server, c => c.Thumbprint == certificates.Client.Thumbprint);
        var connection = new KubernetesConnection(new Uri(server.Url), "test")
        {
            CertificateAuthorities = PemCredentials.ParseAuthorities(certificates.CaPem, "test"),
            ClientCertificate = PemCredentials.ParseClientCertificate(certificates.ClientPem, certificates.ClientKeyPem, "test"),
        };
        using var client = new KubernetesApiClient(connection);

        using var page = await client.ListAsync(FakeApiServer.CollectionPath, new ListOptions(), null, CancellationToken.None);

        Assert.NotEmpty(page.ResourceVersion);
    }

    [Fact]
    public async Task Tls_server_not_signed_by_a_trusted_ca_is_refused_unless_insecure()
    {
        using var certificates = TestCertificates.Create();
        using var otherAuthority = TestCertificates.Create();
        await using var server = await FakeApiServer.StartAsync(certificates.Server);
        var untrusted = new KubernetesConnection(new Uri(server.Url), "test")
        {
            CertificateAuthorities = PemCredentials.ParseAuthorities(otherAuthority.CaPem, "test"),
        };
        using var refusing = new KubernetesApiClient(untrusted);
        using var insecure = new KubernetesApiClient(untrusted with { InsecureSkipTlsVerify = true });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.ListAsync(FakeApiServer.CollectionPath, new ListOptions(), null, CancellationToken.None));
        using var page = await insecure.ListAsync(FakeApiServer.CollectionPath, new ListOptions(), null, CancellationToken.None);

        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.NotEmpty(page.ResourceVersion);
    }
}
