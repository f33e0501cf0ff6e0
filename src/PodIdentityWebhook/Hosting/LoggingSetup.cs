using Microsoft.Extensions.Logging.Console;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// JSON lines when stdout is not a terminal (collected by the cluster; <see cref="JsonLinesLoggerProvider"/>),
/// readable text otherwise.
/// </summary>
internal static class LoggingSetup
{
    public static ILoggingBuilder AddWebhookLogging(this ILoggingBuilder logging, WebhookOptions options)
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

        // The host logs a failed start with the whole stack; Program reports it in one line
        // (a port in use names the flag), and any other failure still reaches stderr unhandled.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", options.Verbosity >= 6 ? LogLevel.Debug : LogLevel.None);
        return logging;
    }
}
