using Microsoft.Extensions.Logging.Console;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// JSON lines when stdout is not a terminal (collected by the cluster; <see cref="JsonLinesLoggerProvider"/>),
/// readable text otherwise.
/// </summary>
internal static class LoggingSetup
{
    /// <summary>The hosting logger's category, whose being enabled makes ASP.NET Core start an Activity per request.</summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <param name="tracing">Reviews are traced over OTLP (their parent is ASP.NET Core's request Activity).</param>
    public static ILoggingBuilder AddWebhookLogging(this ILoggingBuilder logging, WebhookOptions options, HostStartup startup, bool tracing)
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

        // ASP.NET Core starts an Activity for every request (IDs, tags, a clock read: about 2%
        // of a review's CPU) while its hosting logger is enabled at any level, for the
        // Information lines "Request starting/finished" that the filter above drops anyway. Off
        // unless -v=6 logs those lines or reviews are traced. Its one other line, a startup
        // exception, still reaches stderr: the exception ends the process.
        if (options.Verbosity < 6 && !tracing)
        {
            logging.AddFilter(RequestLogCategory, LogLevel.None);
        }

        // Held back only while the host starts (see HostStartup); -v=6 shows them always.
        logging.AddFilter(HostStartup.HostCategory, _ => startup.IsStarted || options.Verbosity >= 6);
        return logging;
    }
}
