using Microsoft.Net.Http.Headers;
using OpenTelemetry.Metrics;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// The metrics port: <c>/metrics</c>, and with --enable-debugging-handlers the cache dump and
/// clear. Its requests are answered here, before routing, so the webhook's endpoints are
/// never reachable over this plain-HTTP port and these never over the TLS one. Requests on
/// the webhook port are counted on the way through. <c>/metrics</c> is OpenTelemetry's
/// Prometheus exporter, always in the classic text format 0.0.4 as the reference's handler.
/// </summary>
internal static class MetricsEndpoints
{
    public static WebApplication UseMetricsPort(this WebApplication app)
    {
        var services = app.Services;
        var listener = services.GetRequiredService<MetricsListener>();
        var metrics = services.GetRequiredService<WebhookMetrics>();
        // Resolving the provider starts it listening; the zeros then land in it.
        var meterProvider = services.GetRequiredService<MeterProvider>();
        var serviceAccounts = services.GetRequiredService<Identity.IServiceAccountSource>();
        metrics.ServiceAccounts.Observe(() => serviceAccounts.Count);
        if (services.GetRequiredService<Identity.IConfigMapSource>() is Identity.ConfigMapWatch configMap)
        {
            metrics.ConfigMap.Observe(() => configMap.Count);
            metrics.ConfigMap.PublishZero();
        }
        metrics.PublishZeros(Identity.IdentityModeNames.WebIdentity, Identity.IdentityModeNames.ContainerCredentials);
        // The server errors the chart's PodIdentityWebhookAdmissionErrors alert rates over.
        metrics.PublishRequestZeros(HttpMethods.Post, Admission.AdmissionConstants.MutatePath, StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable);

        // The exporter offers OpenMetrics to a scraper that asks for it; the reference's names
        // (counters without _total) are valid only in the classic format, so that is all it is asked for.
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider,
            context => listener.Serves(context) && context.Request.Path.Value == MetricsPaths.MetricsPath && IsRead(context.Request.Method),
            path: null,
            configureBranchedPipeline: branch => branch.Use(next => context =>
            {
                context.Request.Headers[HeaderNames.Accept] = ClassicText;
                return next(context);
            }),
            optionsName: null);
        var debug = services.GetRequiredService<WebhookOptions>().EnableDebuggingHandlers
            ? services.GetRequiredService<CacheDebug>()
            : null;
        app.Use(next => context => listener.Serves(context)
            ? ServeAsync(context, debug)
            : RequestMetrics.InvokeAsync(context, next, metrics));
        return app;
    }

    /// <summary>The metrics port's requests other than a scrape (which the exporter's branch answered).</summary>
    internal static Task ServeAsync(HttpContext context, CacheDebug? debug)
    {
        var request = context.Request;
        var path = request.Path.Value;
        if (path == MetricsPaths.MetricsPath)
        {
            return MethodNotAllowedAsync(context, "GET, HEAD");
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

    private const string ClassicText = "text/plain; version=0.0.4";

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
