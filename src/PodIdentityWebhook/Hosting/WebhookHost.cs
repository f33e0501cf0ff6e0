using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Metrics;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>Builds the webhook application from validated options.</summary>
internal static class WebhookHost
{
    public static async Task<WebApplication> BuildAsync(WebhookOptions options, CancellationToken cancellationToken)
    {
        var certificate = ServingCertificate.FromOptions(options);
        var account = options.ComposeRoleArn ? await AccountInfo.ReadAsync(cancellationToken) : null;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.AddWebhookLogging(options);
        builder.Services.AddSingleton(certificate);
        builder.Services.AddAdmission(options);
        builder.Services.AddIdentitySources(options, account);
        builder.Services.AddMetricsPort();
        builder.WebHost.ConfigureWebhookKestrel(options, certificate);

        var app = builder.Build();
        try
        {
            app.Services.StartIdentitySources();
        }
        catch (IdentitySourceException ex)
        {
            await app.DisposeAsync();
            throw new StartupException(ex.Message);
        }

        app.UseMetricsPort();
        app.MapAdmission();
        app.MapProbes();
        return app;
    }
}
