using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// The metrics port: <c>/metrics</c>, and with --enable-debugging-handlers the cache dump and
/// clear. Its requests are answered here, before routing, so the webhook's endpoints are
/// never reachable over this plain-HTTP port and these never over the TLS one. Requests on
/// the webhook port are counted on the way through.
/// </summary>
internal static class MetricsEndpoints
{
    public static WebApplication UseMetricsPort(this WebApplication app)
    {
        var services = app.Services;
        var listener = services.GetRequiredService<MetricsListener>();
        var metrics = services.GetRequiredService<WebhookMetrics>();
        var collector = services.GetRequiredService<MetricsCollector>();
        var debug = services.GetRequiredService<WebhookOptions>().EnableDebuggingHandlers
            ? services.GetRequiredService<CacheDebug>()
            : null;
        app.Use(next => context => listener.Serves(context)
            ? ServeAsync(context, collector, debug)
            : RequestMetrics.InvokeAsync(context, next, metrics));
        return app;
    }

    internal static Task ServeAsync(HttpContext context, MetricsCollector collector, CacheDebug? debug)
    {
        var request = context.Request;
        var path = request.Path.Value;
        if (path == MetricsPaths.MetricsPath)
        {
            return IsRead(request.Method) ? ScrapeAsync(context, collector) : MethodNotAllowedAsync(context, "GET, HEAD");
        }

        // Any method, as the reference's handler.
        if (debug is not null && path == MetricsPaths.DebugCachePath)
        {
            return JsonAsync(context, debug.DumpLikeReference());
        }

        if (debug is not null && path == MetricsPaths.DebugCacheDetailsPath)
        {
            return IsRead(request.Method) ? JsonAsync(context, debug.Dump()) : MethodNotAllowedAsync(context, "GET, HEAD");
        }

        // GET too, as the reference's handler answers any method.
        if (debug is not null && path == MetricsPaths.DebugCacheClearPath)
        {
            return HttpMethods.IsPost(request.Method) || HttpMethods.IsGet(request.Method)
                ? ClearAsync(context, debug)
                : MethodNotAllowedAsync(context, "GET, POST");
        }

        return TextAsync(context, StatusCodes.Status404NotFound, "404 page not found\n");
    }

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    private static Task ScrapeAsync(HttpContext context, MetricsCollector collector)
    {
        context.Response.ContentType = PrometheusText.ContentType;
        return context.Response.WriteAsync(PrometheusText.Write(collector.Collect()), context.RequestAborted);
    }

    private static Task JsonAsync(HttpContext context, byte[] json)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        return context.Response.Body.WriteAsync(json, context.RequestAborted).AsTask();
    }

    private static Task ClearAsync(HttpContext context, CacheDebug debug) =>
        TextAsync(context, StatusCodes.Status200OK, debug.Clear());

    private static Task MethodNotAllowedAsync(HttpContext context, string allow)
    {
        context.Response.Headers.Allow = allow;
        return TextAsync(context, StatusCodes.Status405MethodNotAllowed, "method not allowed\n");
    }

    private static Task TextAsync(HttpContext context, int statusCode, string text)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
