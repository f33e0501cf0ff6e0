using Microsoft.Extensions.Logging.Console;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// JSON lines when stdout is not a terminal (collected by the cluster; <see cref="JsonLinesLoggerProvider"/>),
/// readable text otherwise.
/// </summary>
internal static class LoggingSetup
{
    public static ILoggingBuilder AddWebhookLogging(this ILoggingBuilder logging, WebhookOptions options, HostStartup startup)
    {
        logging.ClearProviders();
        if (Console.IsOutputRedirected)
        {
            logging.Services.AddSingleton<ILoggerProvider>(_ => new JsonLinesLoggerProvider(Console.OpenStandardOutput()));
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
                console.ColorBehavior = LoggerColorBehavior.Default;
            });
        }

        // klog-style verbosity: 0-3 informational, 4-5 debug, 6+ trace.
        logging.SetMinimumLevel(options.Verbosity switch
        {
            >= 6 => LogLevel.Trace,
            >= 4 => LogLevel.Debug,
            _ => LogLevel.Information,
        });
        logging.AddFilter("Microsoft.AspNetCore", options.Verbosity >= 6 ? LogLevel.Debug : LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

        // Held back only while the host starts (see HostStartup); -v=6 shows them always.
        logging.AddFilter(HostStartup.HostCategory, _ => startup.IsStarted || options.Verbosity >= 6);
        return logging;
    }
}
