using System.Diagnostics.Metrics;
using System.Globalization;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Metrics;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// The webhook's instruments, under the reference's metric names so dashboards keep working.
/// Instrument names are the Prometheus names as exposed on <c>/metrics</c>; descriptions are
/// the HELP text. Each instance owns its meter, so tests observe only their own.
/// </summary>
internal sealed class WebhookMetrics : IDisposable
{
    public const string MeterName = "PodIdentityWebhook";

    /// <summary>Pods admitted unmutated because their ServiceAccount could not be found.</summary>
    public const string MissingServiceAccountCount = "pod_identity_webhook_missing_sa_count";

    /// <summary>Pods resolved to an identity, patched or not, by <c>method</c> (<see cref="IdentityModeNames"/>), as the reference counts.</summary>
    public const string PodCount = "pod_identity_webhook_pod_count";

    /// <summary>1 once any ServiceAccount is cached or a pod resolves to an identity, as the reference.</summary>
    public const string Used = "pod_identity_webhook_used";

    /// <summary>NotAfter of the certificate the webhook port serves now, in Unix seconds; follows reloads.</summary>
    public const string ServingCertificateExpiry = "pod_identity_webhook_serving_certificate_expiry_timestamp_seconds";

    /// <summary>Requests on the webhook port, by verb, path and code.</summary>
    public const string RequestCount = "http_request_count";

    /// <summary>Request latency on the webhook port in microseconds, by verb and path.</summary>
    public const string RequestLatencies = "http_request_latencies";

    /// <summary>Time to handle one AdmissionReview, body read to answer ready.</summary>
    public const string AdmissionDuration = "admission_duration_seconds";

    // The reference's buckets, prometheus.ExponentialBuckets(125000, 2, 7): 125 ms to 8 s in µs.
    private static readonly double[] LatencyBuckets = [125_000, 250_000, 500_000, 1_000_000, 2_000_000, 4_000_000, 8_000_000];

    // A review takes tens of microseconds; a cache-miss lookup can take the grace period.
    private static readonly double[] AdmissionBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _missingServiceAccounts;
    private readonly Counter<long> _pods;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestLatencies;
    private readonly Histogram<double> _admissionDuration;
    private int _used;

    /// <param name="servingCertificate">Null where no port serves TLS (tests of the instruments alone): no expiry series then.</param>
    public WebhookMetrics(ServingCertificate? servingCertificate = null)
    {
        Meter = new Meter(MeterName);
        _missingServiceAccounts = Meter.CreateCounter<long>(
            MissingServiceAccountCount, description: "Pods admitted without mutation because their ServiceAccount was not found");
        _pods = Meter.CreateCounter<long>(PodCount, description: "Pods resolved to an identity by the webhook, by credential method");
        Meter.CreateObservableGauge(
            Used, () => Volatile.Read(ref _used), description: "1 once the webhook has cached a ServiceAccount or resolved an identity for a pod");
        if (servingCertificate is not null)
        {
            Meter.CreateObservableGauge(
                ServingCertificateExpiry,
                () => new DateTimeOffset(servingCertificate.Current.NotAfter.ToUniversalTime(), TimeSpan.Zero).ToUnixTimeSeconds(),
                unit: "s",
                description: "Expiry (NotAfter) of the certificate served on the webhook port, in Unix seconds");
        }

        _requests = Meter.CreateCounter<long>(
            RequestCount, description: "Counter of requests broken out for each verb, path, and response code.");
        _requestLatencies = Meter.CreateHistogram(
            RequestLatencies,
            description: "Response latency distribution in microseconds for each verb and path",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _admissionDuration = Meter.CreateHistogram(
            AdmissionDuration,
            unit: "s",
            description: "Time to handle one AdmissionReview, in seconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AdmissionBuckets });
        RuntimeInstruments.Register(Meter);
    }

    public Meter Meter { get; }

    public void MissingServiceAccount() => _missingServiceAccounts.Add(1);

    public void PodMutated(IdentityMode mode) => _pods.Add(1, new KeyValuePair<string, object?>("method", IdentityModeNames.Of(mode)));

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
    /// event (the reference's label-less counters start at 0 too). Called once a listener is on.
    /// </summary>
    public void PublishZeros()
    {
        _missingServiceAccounts.Add(0);
        _pods.Add(0, new KeyValuePair<string, object?>("method", IdentityModeNames.WebIdentity));
        _pods.Add(0, new KeyValuePair<string, object?>("method", IdentityModeNames.ContainerCredentials));
    }

    public void Dispose() => Meter.Dispose();

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
