using System.Globalization;
using System.Text;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// The Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): per metric a HELP and a
/// TYPE line, then its samples; histograms as cumulative <c>_bucket{le=…}</c> ending with
/// <c>+Inf</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<MetricFamily> families)
    {
        var text = new StringBuilder(8192);
        foreach (var family in families)
        {
            Write(text, family);
        }

        return text.ToString();
    }

    private static void Write(StringBuilder text, MetricFamily family)
    {
        text.Append("# HELP ").Append(family.Name).Append(' ');
        AppendEscaped(text, family.Help, escapeQuotes: false);
        text.Append('\n');
        text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');

        foreach (var point in family.Points)
        {
            if (point.BucketCounts is not { } buckets)
            {
                AppendSample(text, family.Name, "", point.Labels, null, point.Value);
                continue;
            }

            long cumulative = 0;
            for (var i = 0; i < buckets.Count; i++)
            {
                cumulative += buckets[i];
                var le = i < family.Bounds.Count ? Number(family.Bounds[i]) : "+Inf";
                AppendSample(text, family.Name, "_bucket", point.Labels, le, cumulative);
            }

            AppendSample(text, family.Name, "_sum", point.Labels, null, point.Sum);
            AppendSample(text, family.Name, "_count", point.Labels, null, cumulative);
        }
    }

    private static void AppendSample(
        StringBuilder text, string name, string suffix, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name).Append(suffix);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                AppendLabel(text, ref first, key, labelValue);
            }

            if (le is not null)
            {
                AppendLabel(text, ref first, "le", le);
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static void AppendLabel(StringBuilder text, ref bool first, string name, string value)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(name).Append("=\"");
        AppendEscaped(text, value, escapeQuotes: true);
        text.Append('"');
    }

    // Label values escape backslash, double quote and newline; HELP text only the first and last.
    private static void AppendEscaped(StringBuilder text, string value, bool escapeQuotes)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '"' when escapeQuotes:
                    text.Append("\\\"");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    /// <summary>Go's float syntax as Prometheus parses it: shortest round-trip digits, +Inf, -Inf, NaN.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
