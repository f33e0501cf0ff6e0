using System.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// Service registrations for the metrics port and OpenTelemetry: the Prometheus exporter that
/// <c>/metrics</c> serves, and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, OTLP export of
/// the same metrics and of one trace per review (the exporter reads the standard
/// <c>OTEL_EXPORTER_OTLP_*</c> variables itself).
/// </summary>
internal static class MetricsServices
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether OTLP export is on: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public static bool ExportsOtlp(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);

    public static IServiceCollection AddMetricsPort(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<MetricsListener>();
        services.AddSingleton(sp => new CacheDebug(
            sp.GetRequiredService<IServiceAccountSource>(),
            sp.GetRequiredService<IConfigMapSource>(),
            sp.GetRequiredService<IContainerCredentialsSource>(),
            sp.GetService<ServiceAccountCache>(),
            sp.GetService<ServiceAccountFileSource>(),
            sp.GetService<ConfigMapWatch>(),
            sp.GetService<ContainerCredentialsFileSource>()));

        var otlp = ExportsOtlp(configuration);
        var telemetry = services.AddOpenTelemetry();
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(WebhookMetrics.MeterName);
            ((IDeferredMeterProviderBuilder)metrics).Configure((sp, builder) =>
            {
                var own = sp.GetRequiredService<WebhookMetrics>().Meter;
                builder.AddView(instrument => StreamOf(instrument, own));
            });
            metrics.AddPrometheusExporter(ConfigurePrometheus);
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });
        if (otlp)
        {
            // Every review is traced: ASP.NET Core's own request Activity, the review's parent,
            // is not recorded when its instrumentation is not on, so a parent-based sampler would drop them all.
            telemetry.WithTracing(tracing => tracing
                .AddSource(WebhookActivities.SourceName)
                .SetSampler(new AlwaysOnSampler())
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// The exposition the reference writes: names exactly as the instruments have them (no
    /// <c>_total</c>, no unit suffix), no <c>otel_scope_*</c> labels, no <c>target_info</c>,
    /// and every scrape fresh, as client_golang's handler.
    /// </summary>
    internal static void ConfigurePrometheus(PrometheusAspNetCoreOptions options)
    {
        options.DisableTotalNameSuffixForCounters = true;
        options.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
        options.ScopeInfoEnabled = false;
        options.TargetInfoEnabled = false;
        options.ScrapeResponseCacheDurationMilliseconds = 0;
    }

    /// <summary>
    /// Series one instrument may have. Every label comes from a fixed set; the widest,
    /// http_request_count, is at most 8 verbs times the status codes answered. OpenTelemetry
    /// allocates each stream's storage for its limit up front: at its default of 2,000 that was
    /// 5 MB of the webhook's 7 MB heap at rest. Past the limit a stream counts the rest in one more
    /// series, labelled <c>otel_metric_overflow="true"</c>, instead of growing.
    /// </summary>
    public const int SeriesLimit = 256;

    /// <summary>
    /// Only this host's meter (another host in the same process has a meter of the same name);
    /// the histograms with the reference's buckets; every stream within <see cref="SeriesLimit"/>.
    /// </summary>
    internal static MetricStreamConfiguration StreamOf(Instrument instrument, Meter own)
    {
        if (!ReferenceEquals(instrument.Meter, own))
        {
            return MetricStreamConfiguration.Drop;
        }

        return WebhookMetrics.BucketsOf(instrument.Name) is { } buckets
            ? new ExplicitBucketHistogramConfiguration { Boundaries = [.. buckets], CardinalityLimit = SeriesLimit }
            : new MetricStreamConfiguration { CardinalityLimit = SeriesLimit };
    }
}
