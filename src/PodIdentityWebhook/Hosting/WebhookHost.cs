using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Metrics;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>Builds the webhook application from validated options.</summary>
internal static class WebhookHost
{
    /// <summary>The most the server waits for in-flight requests after the drain.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(6);

    /// <param name="settings">Configuration over the environment's (tests: OTEL_* without touching the process's variables).</param>
    public static async Task<WebApplication> BuildAsync(
        WebhookOptions options, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null)
    {
        OptionsValidator.Validate(options);
        var certificate = ServingCertificate.FromOptions(options);
        var account = options.ComposeRoleArn ? await AccountInfo.ReadAsync(cancellationToken) : null;

        // The flags are parsed already; the one argument turns off the watch of appsettings.json,
        // which put an inotify watch on every folder under the working directory at start (tens
        // of milliseconds in a source tree) for a file the webhook does not need.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var startup = new HostStartup();
        builder.Logging.AddWebhookLogging(options, startup, tracing: MetricsServices.ExportsOtlp(builder.Configuration));
        builder.Services.AddSingleton(startup);
        builder.Services.AddSingleton(certificate);
        builder.Services.AddAdmission(options);
        builder.Services.AddIdentitySources(options, account);
        builder.Services.AddMetricsPort(builder.Configuration);
        builder.Services.AddHostedService<CertificateReloader>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<MemoryReturner>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, BoundedBlockPool.Factory>();
        builder.Services.AddHostedService<ShutdownDrain>();
        // The timeout covers the drain and the in-flight reviews after it.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout + TimeSpan.FromTicks(Math.Max(0, options.ShutdownDrain.Ticks)));
        builder.WebHost.ConfigureWebhookKestrel(options, certificate);

        var app = builder.Build();
        try
        {
            app.Services.StartIdentitySources();
        }
        catch (ConfigurationException)
        {
            await app.DisposeAsync();
            throw;
        }

        app.UseConnectionCloseWhileDraining();
        app.UseMetricsPort();
        app.MapAdmission();
        if (options.EnableDebuggingHandlers)
        {
            app.MapDebugAdmission();
        }

        app.MapProbes();
        return app;
    }

    /// <summary>Starts the listeners; a port or address that cannot be bound stops startup naming the flag.</summary>
    public static async Task StartAsync(WebApplication app, WebhookOptions options)
    {
        try
        {
            await app.StartAsync();
            app.Services.GetRequiredService<HostStartup>().Started();
        }
        catch (Exception ex) when (ListenerBindFailure.Describe(ex, options) is { } failure)
        {
            throw failure;
        }
    }
}
