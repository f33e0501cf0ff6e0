using System.Diagnostics.Metrics;
using System.Globalization;

using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Telemetry;

/// <summary>
/// The webhook's instruments, under the reference's metric names so dashboards keep working.
/// Instrument names are the Prometheus names as exposed on <c>/metrics</c> (the exporter is
/// told to add no suffix); descriptions are the HELP text. Each instance owns its meter, and
/// each host's MeterProvider keeps only its own (see Metrics/MetricsServices), so tests
/// observe only theirs.
/// </summary>
internal sealed class WebhookMetrics : IDisposable
{
    public const string MeterName = "PodIdentityWebhook";

    /// <summary>Pods admitted unmutated because their ServiceAccount could not be found.</summary>
    public const string MissingServiceAccountCount = "pod_identity_webhook_missing_sa_count";

    /// <summary>Pods resolved to an identity, patched or not, by <c>method</c> (Identity.IdentityModeNames), as the reference counts.</summary>
    public const string PodCount = "pod_identity_webhook_pod_count";

    /// <summary>1 once any ServiceAccount is cached or a pod resolves to an identity, as the reference.</summary>
    public const string Used = "pod_identity_webhook_used";

    /// <summary>NotAfter of the certificate the webhook port serves now, in Unix seconds; follows reloads.</summary>
    public const string ServingCertificateExpiry = "pod_identity_webhook_serving_certificate_expiry_timestamp_seconds";

    /// <summary>Always 1, with the build's <c>version</c> and <c>revision</c> as labels.</summary>
    public const string BuildInfo = "pod_identity_webhook_build_info";

    /// <summary>ServiceAccounts the webhook knows now (API cache or file).</summary>
    public const string ServiceAccountCacheSize = "pod_identity_webhook_service_account_cache_size";

    /// <summary>When the ServiceAccounts were last loaded whole (API list or file read), in Unix seconds.</summary>
    public const string ServiceAccountLastSync = "pod_identity_webhook_service_account_last_sync_timestamp_seconds";

    /// <summary>ServiceAccount watches started again after the first one.</summary>
    public const string ServiceAccountWatchRestarts = "pod_identity_webhook_service_account_watch_restart_count";

    /// <summary>Identities in the watched ConfigMap now (--watch-config-map only).</summary>
    public const string ConfigMapCacheSize = "pod_identity_webhook_config_map_cache_size";

    /// <summary>When the ConfigMap was last listed, in Unix seconds (--watch-config-map only).</summary>
    public const string ConfigMapLastSync = "pod_identity_webhook_config_map_last_sync_timestamp_seconds";

    /// <summary>ConfigMap watches started again after the first one (--watch-config-map only).</summary>
    public const string ConfigMapWatchRestarts = "pod_identity_webhook_config_map_watch_restart_count";

    /// <summary>Pods examined and left unpatched, by <c>reason</c> (<see cref="NotMutatedReasons"/>).</summary>
    public const string PodNotMutatedCount = "pod_identity_webhook_pod_not_mutated_count";

    /// <summary>Requests on the webhook port, by verb, path and code.</summary>
    public const string RequestCount = "http_request_count";

    /// <summary>Request latency on the webhook port in microseconds, by verb and path.</summary>
    public const string RequestLatencies = "http_request_latencies";

    /// <summary>Time to handle one AdmissionReview, body read to answer ready.</summary>
    public const string AdmissionDuration = "admission_duration_seconds";

    private readonly Counter<long> _missingServiceAccounts;
    private readonly LabelledCounts _pods;
    private readonly LabelledCounts _notMutated;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestLatencies;
    private readonly Histogram<double> _admissionDuration;
    private int _used;

    /// <param name="certificateNotAfter">
    /// The served certificate's NotAfter; null where no port serves TLS (tests of the
    /// instruments alone): no expiry series then.
    /// </param>
    public WebhookMetrics(Func<DateTime>? certificateNotAfter = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        Meter = new Meter(MeterName);
        _missingServiceAccounts = Meter.CreateCounter<long>(
            MissingServiceAccountCount, description: "Pods admitted without mutation because their ServiceAccount was not found");
        _pods = new LabelledCounts(Meter, PodCount, "method", "Pods resolved to an identity by the webhook, by credential method");
        Meter.CreateObservableGauge(
            Used, () => Volatile.Read(ref _used), description: "1 once the webhook has cached a ServiceAccount or resolved an identity for a pod");
        if (certificateNotAfter is not null)
        {
            Meter.CreateObservableGauge(
                ServingCertificateExpiry,
                () => new DateTimeOffset(certificateNotAfter().ToUniversalTime(), TimeSpan.Zero).ToUnixTimeSeconds(),
                unit: "s",
                description: "Expiry (NotAfter) of the certificate served on the webhook port, in Unix seconds");
        }

        var (version, revision) = ProductVersion.Split(ProductVersion.Informational);
        var buildLabels = new[]
        {
            new KeyValuePair<string, object?>("revision", revision),
            new KeyValuePair<string, object?>("version", version),
        };
        Meter.CreateObservableGauge(
            BuildInfo, () => new Measurement<long>(1, buildLabels), description: "Always 1; the labels name the webhook's version and source revision");
        ServiceAccounts = new WatchInstruments(
            Meter, time, (ServiceAccountCacheSize, ServiceAccountLastSync, ServiceAccountWatchRestarts), "ServiceAccounts");
        ConfigMap = new WatchInstruments(
            Meter, time, (ConfigMapCacheSize, ConfigMapLastSync, ConfigMapWatchRestarts), "Identities of the pod-identity-webhook ConfigMap");
        _notMutated = new LabelledCounts(Meter, PodNotMutatedCount, "reason", "Pods examined and left without a patch, by reason");

        _requests = Meter.CreateCounter<long>(
            RequestCount, description: "Counter of requests broken out for each verb, path, and response code.");
        _requestLatencies = Meter.CreateHistogram<double>(
            RequestLatencies, description: "Response latency distribution in microseconds for each verb and path");
        _admissionDuration = Meter.CreateHistogram<double>(
            AdmissionDuration, unit: "s", description: "Time to handle one AdmissionReview, in seconds");
        RuntimeInstruments.Register(Meter);
    }

    public Meter Meter { get; }

    /// <summary>The ServiceAccount cache (API watch or file): size, last full load, watch restarts.</summary>
    public WatchInstruments ServiceAccounts { get; }

    /// <summary>The ConfigMap watch (--watch-config-map): identities, last list, watch restarts.</summary>
    public WatchInstruments ConfigMap { get; }

    /// <summary>The reference's buckets, prometheus.ExponentialBuckets(125000, 2, 7): 125 ms to 8 s in µs.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } = [125_000, 250_000, 500_000, 1_000_000, 2_000_000, 4_000_000, 8_000_000];

    /// <summary>A review takes tens of microseconds; a cache-miss lookup can take the grace period.</summary>
    public static IReadOnlyList<double> AdmissionBuckets { get; } =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The bucket bounds of one of these histograms, or null for any other instrument.</summary>
    public static IReadOnlyList<double>? BucketsOf(string instrumentName) => instrumentName switch
    {
        RequestLatencies => LatencyBuckets,
        AdmissionDuration => AdmissionBuckets,
        _ => null,
    };

    public void MissingServiceAccount() => _missingServiceAccounts.Add(1);

    /// <param name="method">The reference's name for how the pod gets credentials (Identity's IdentityModeNames).</param>
    public void PodMutated(string method) => _pods.Add(method, 1);

    /// <param name="reason">One of <see cref="NotMutatedReasons"/>, so the series stay few.</param>
    public void PodNotMutated(string reason) => _notMutated.Add(reason, 1);

    /// <summary>Flips <see cref="Used"/> to 1; cheap enough for every admission.</summary>
    public void IdentitySeen()
    {
        if (Volatile.Read(ref _used) == 0)
        {
            Volatile.Write(ref _used, 1);
        }
    }

    public void Request(string verb, string path, int statusCode, TimeSpan elapsed)
    {
        var verbTag = new KeyValuePair<string, object?>("verb", verb);
        var pathTag = new KeyValuePair<string, object?>("path", path);
        _requests.Add(1, verbTag, pathTag, new KeyValuePair<string, object?>("code", StatusCodeText(statusCode)));
        _requestLatencies.Record(elapsed.TotalMicroseconds, verbTag, pathTag);
    }

    public void Admission(TimeSpan elapsed) => _admissionDuration.Record(elapsed.TotalSeconds);

    /// <summary>
    /// Zero samples for the series dashboards rate() over, so they exist before the first
    /// event (the reference's label-less counters start at 0 too). Called once a MeterProvider listens.
    /// </summary>
    /// <param name="methods">Every <c>method</c> label value of the pod count.</param>
    public void PublishZeros(params ReadOnlySpan<string> methods)
    {
        _missingServiceAccounts.Add(0);
        ServiceAccounts.PublishZero();
        foreach (var method in methods)
        {
            _pods.Add(method, 0);
        }
        foreach (var reason in NotMutatedReasons.All)
        {
            _notMutated.Add(reason, 0);
        }
    }

    /// <summary>
    /// Zero request counts for <paramref name="codes"/>, so that an alert's rate() over them sees
    /// the first such answer: rate() takes a series' first sample as its start, so errors that
    /// all came before a new series' first scrape would never count.
    /// </summary>
    public void PublishRequestZeros(string verb, string path, params ReadOnlySpan<int> codes)
    {
        foreach (var code in codes)
        {
            _requests.Add(
                0,
                new KeyValuePair<string, object?>("verb", verb),
                new KeyValuePair<string, object?>("path", path),
                new KeyValuePair<string, object?>("code", StatusCodeText(code)));
        }
    }

    public void Dispose() => Meter.Dispose();

    /// <summary>
    /// A counter with one label whose values come from a fixed set of the callers' constants,
    /// counted per review without OpenTelemetry's lookup of the label: a plain count per value,
    /// which the meter reads as an observable counter at each collection, so <c>/metrics</c> and
    /// OTLP show the same counter, its series in the order they were first counted (or
    /// published at 0).
    /// </summary>
    private sealed class LabelledCounts
    {
        private readonly string _label;
        private readonly Lock _adding = new();
        private Series[] _series = [];

        public LabelledCounts(Meter meter, string name, string label, string description)
        {
            _label = label;
            meter.CreateObservableCounter(name, Observe, description: description);
        }

        public void Add(string value, long delta) => Interlocked.Add(ref (Find(value) ?? Added(value)).Count, delta);

        private Series? Find(string value)
        {
            foreach (var series in Volatile.Read(ref _series))
            {
                if (series.Value == value)
                {
                    return series;
                }
            }

            return null;
        }

        private Series Added(string value)
        {
            lock (_adding)
            {
                if (Find(value) is { } existing)
                {
                    return existing;
                }

                var added = new Series(value);
                Volatile.Write(ref _series, [.. _series, added]);
                return added;
            }
        }

        private IEnumerable<Measurement<long>> Observe()
        {
            foreach (var series in Volatile.Read(ref _series))
            {
                yield return new Measurement<long>(Volatile.Read(ref series.Count), new KeyValuePair<string, object?>(_label, series.Value));
            }
        }

        private sealed class Series(string value)
        {
            public long Count;

            public string Value { get; } = value;
        }
    }

    // Interned texts for the codes the webhook answers with, so counting allocates nothing.
    private static string StatusCodeText(int code) => code switch
    {
        200 => "200",
        400 => "400",
        404 => "404",
        405 => "405",
        413 => "413",
        415 => "415",
        500 => "500",
        503 => "503",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };
}
