namespace PodIdentityWebhook.Kubernetes;

/// <summary>The informer's log lines (event ids 4000-4099); never an object or a token.</summary>
internal static partial class InformerLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Listed {Path}: {Count} objects in {Pages} pages at resourceVersion {ResourceVersion} in {ElapsedMs} ms")]
    public static partial void LogListed(ILogger logger, string path, int count, int pages, string resourceVersion, long elapsedMs);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug,
        Message = "Watching {Path} from resourceVersion {ResourceVersion} for {TimeoutSeconds} s")]
    public static partial void LogWatching(ILogger logger, string path, string resourceVersion, int timeoutSeconds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug,
        Message = "Watch of {Path} ended after {Events} events at resourceVersion {ResourceVersion}")]
    public static partial void LogWatchEnded(ILogger logger, string path, int events, string? resourceVersion);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information,
        Message = "{Path}: resourceVersion expired, listing again ({Error})")]
    public static partial void LogExpired(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning,
        Message = "{Path}: {Operation} failed: {Error}; retrying in {DelayMs} ms")]
    public static partial void LogFailed(ILogger logger, string path, string operation, string error, double delayMs);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning,
        Message = "{Path}: the watch closed at once with no events; retrying in {DelayMs} ms")]
    public static partial void LogWatchClosedEarly(ILogger logger, string path, double delayMs);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error,
        Message = "{Path}: cannot cache {Key}: {Error}")]
    public static partial void LogProjectFailed(ILogger logger, string path, string key, string error, Exception exception);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error,
        Message = "{Path}: the handler failed for {Key}: {Error}")]
    public static partial void LogHandlerFailed(ILogger logger, string path, string key, string error, Exception exception);
}
