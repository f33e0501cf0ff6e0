using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>The built program, run as a process: exit codes and messages for --help, --version and bad configuration.</summary>
public class ProcessCommandLineTests
{
    private static readonly string ServiceAccounts = TestFiles.Example("service-accounts.yaml");

    [Fact]
    public async Task Help_exits_0_and_lists_every_flag_with_its_default()
    {
        using var run = await ProductProcess.RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n');
        foreach (var flag in FlagTable.All.Where(f => !f.IsIgnored))
        {
            var line = lines.FirstOrDefault(l =>
                l.TrimStart().StartsWith('-') && l.Contains($"--{flag.Name} ", StringComparison.Ordinal));
            Assert.True(line is not null, $"--help does not list --{flag.Name}:\n{run.Stdout}");
            Assert.Contains($"(default {FlagHelp.DisplayDefault(flag)})", line, StringComparison.Ordinal);
        }

        foreach (var flag in FlagTable.All.Where(f => f.IsIgnored))
        {
            Assert.Contains($"--{flag.Name}", run.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("explain", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_help_lists_explains_flags_and_the_webhook_flags_it_reads_not_the_servers()
    {
        using var run = await ProductProcess.RunAsync("explain", "--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var flag in new[] { "--pod ", "--pod-namespace ", "--trust-policy ", "--oidc-issuer ", "--output ", "--kubeconfig ", "--aws-default-region " })
        {
            Assert.Contains(flag, run.Stdout, StringComparison.Ordinal);
        }

        foreach (var flag in new[] { "--tls-cert ", "--port ", "--metrics-port ", "--shutdown-drain " })
        {
            Assert.DoesNotContain(flag, run.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("4 every pod gets them but some will not work", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_exits_3_when_the_pod_gets_no_credentials()
    {
        using var run = await ProductProcess.RunAsync("explain", "--pod", "examples/pod.yaml");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("Summary: no credentials injected", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-version")]
    public async Task Version_prints_a_version_and_exits_0(string flag)
    {
        using var run = await ProductProcess.RunAsync(flag);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"^pod-identity-webhook \d+\.\d+\.\d+", run.Stdout);
    }

    [Theory]
    [InlineData("--no-such-flag", "--no-such-flag")]
    [InlineData("--tls-certificate=/x", "--tls-certificate")]
    [InlineData("--port=abc", "--port")]
    [InlineData("--port=70000", "--port")]
    [InlineData("--token-expiration=soon", "--token-expiration")]
    [InlineData("--service-account-lookup-grace-period=5", "--service-account-lookup-grace-period")]
    [InlineData("--tls-min-version=1.4", "--tls-min-version")]
    [InlineData("--sts-regional-endpoint=yes", "--sts-regional-endpoint")]
    [InlineData("--port", "--port")]
    public async Task Unknown_flag_or_bad_value_exits_2_naming_the_flag(string arg, string named)
    {
        using var run = await ProductProcess.RunAsync(arg, "--self-signed-cert", "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(named, run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--in-cluster=true")]
    [InlineData("--in-cluster")]
    public async Task In_cluster_true_stops_with_a_message_pointing_to_tls_cert_and_tls_key(string arg)
    {
        using var run = await ProductProcess.RunAsync(arg, "--service-accounts-file", ServiceAccounts);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--in-cluster", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--tls-cert", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--tls-key", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_certificate_file_exits_1_naming_tls_cert()
    {
        using var run = await ProductProcess.RunAsync(
            "--port", "0", "--tls-cert", "/nonexistent/tls.crt", "--tls-key", "/nonexistent/tls.key", "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--tls-cert", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/tls.crt", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_certificate_paths_that_do_not_exist_exit_1_naming_tls_cert()
    {
        using var run = await ProductProcess.RunAsync("--port", "0", "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--tls-cert", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_and_key_that_do_not_match_exit_1_with_a_clear_message()
    {
        using var directory = new TempDirectory();
        var certificate = directory.Write("tls.crt", CreateCertificate().ExportCertificatePem());
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = directory.Write("tls.key", otherKey.ExportPkcs8PrivateKeyPem());

        using var run = await ProductProcess.RunAsync(
            "--port", "0", "--tls-cert", certificate, "--tls-key", key, "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--tls-cert/--tls-key", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("match", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_file_that_is_not_PEM_exits_1_with_a_clear_message()
    {
        using var directory = new TempDirectory();
        var certificate = directory.Write("tls.crt", CreateCertificate().ExportCertificatePem());
        var key = directory.Write("tls.key", "not a key\n");

        using var run = await ProductProcess.RunAsync(
            "--port", "0", "--tls-cert", certificate, "--tls-key", key, "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--tls-", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(key, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_service_accounts_file_exits_1_with_a_clear_message()
    {
        using var run = await ProductProcess.RunAsync("--port", "0", "--bind-address", "127.0.0.1", "--self-signed-cert");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--service-accounts-file", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_accounts_file_that_does_not_exist_exits_1_naming_it()
    {
        using var run = await ProductProcess.RunAsync(
            "--port", "0", "--bind-address", "127.0.0.1", "--self-signed-cert", "--service-accounts-file", "/nonexistent/accounts.yaml");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--service-accounts-file", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/accounts.yaml", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bind_address_that_is_not_an_IP_is_a_usage_error_naming_the_flag()
    {
        using var run = await ProductProcess.RunAsync(
            "--port", "0", "--bind-address", "not-an-address", "--self-signed-cert", "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--bind-address", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_port_equal_to_port_is_a_usage_error_naming_the_flag()
    {
        var port = FreePort.Pick().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var run = await ProductProcess.RunAsync(
            "--port", port, "--metrics-port", port, "--bind-address", "127.0.0.1", "--self-signed-cert", "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--metrics-port", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--metrics-port")]
    public async Task Port_already_in_use_exits_1_with_one_line_naming_the_flag_and_port(string flag)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] ports = flag == "--port" ? ["--port", port, "--metrics-port", "0"] : ["--port", "0", "--metrics-port", port];

        using var run = await ProductProcess.RunAsync(
            [.. ports, "--bind-address", "127.0.0.1", "--self-signed-cert", "--service-accounts-file", ServiceAccounts]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"pod-identity-webhook: {flag}: port {port} on 127.0.0.1 is already in use by another process", run.Stderr.Trim());
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bind_address_not_on_this_machine_exits_1_with_one_line_naming_the_flag()
    {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a machine, so never bindable.
        using var run = await ProductProcess.RunAsync(
            "--port", "0", "--metrics-port", "0", "--bind-address", "192.0.2.1", "--self-signed-cert", "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("pod-identity-webhook: --bind-address: 192.0.2.1 is not an address of this machine", run.Stderr.Trim());
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
