using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Tests.Identity;

namespace PodIdentityWebhook.Tests.Hosting;

/// <summary>
/// ASP.NET Core starts an Activity for every request while its hosting logger is enabled at
/// any level (HostingApplicationDiagnostics asks it for Critical). The webhook keeps that logger
/// off unless -v=6 shows its request lines or reviews are traced over OTLP.
/// </summary>
public sealed class RequestActivityTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(5, false, false)]
    [InlineData(6, false, true)]
    [InlineData(0, true, true)]
    public async Task The_hosting_logger_is_on_only_for_request_logs_or_traces(int verbosity, bool otlp, bool expected)
    {
        var options = new WebhookOptions
        {
            SelfSignedCert = true,
            BindAddress = "127.0.0.1",
            Port = 0,
            MetricsPort = 0,
            ServiceAccountsFile = _directory.Write("service-accounts.yaml", ""),
            Verbosity = verbosity,
        };
        var settings = otlp ? new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318" } : null;

        await using var app = await WebhookHost.BuildAsync(options, CancellationToken.None, settings);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggingSetup.RequestLogCategory);
        Assert.Equal(expected, logger.IsEnabled(LogLevel.Critical));
    }

    public void Dispose() => _directory.Dispose();
}
