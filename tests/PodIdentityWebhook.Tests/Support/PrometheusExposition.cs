namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/), written from the format's
/// rules so the webhook's writer is checked by independent code. Every line must be a HELP,
/// a TYPE, another comment or a sample; names and label names must be valid; label values may
/// only use the escapes \\, \" and \n; each family's HELP and TYPE appear at most once and
/// before its samples, and its lines are contiguous; a series appears once; counters are not
/// negative; histogram buckets are cumulative per series and end with le="+Inf" equal to
/// _count, with a _sum. Any breach throws <see cref="FormatException"/> naming the line.
/// </summary>
internal sealed partial class PrometheusExposition
{
    private readonly Dictionary<string, MetricFamily> _families;

    private PrometheusExposition(Dictionary<string, MetricFamily> families) => _families = families;

    public IReadOnlyDictionary<string, MetricFamily> Families => _families;

    public sealed record MetricFamily(string Name, string? Help, string Type, List<Sample> Samples);

    /// <param name="Name">The sample's name, with any _bucket/_sum/_count suffix.</param>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static PrometheusExposition Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the exposition does not end with a line feed");
        }

        var families = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length - 1; index++)
        {
            var line = lines[index];
            var number = index + 1;
            if (line.Length == 0)
            {
                continue;
            }

            string family;
            if (line.StartsWith('#'))
            {
                var comment = ReadComment(line, number);
                if (comment is null)
                {
                    continue;
                }

                (family, var keyword, var value) = comment.Value;
                var seen = keyword == "HELP" ? helps : types;
                if (!seen.TryAdd(family, value))
                {
                    throw Error(number, $"second {keyword} line for {family}");
                }

                if (keyword == "TYPE" && families.TryGetValue(family, out var started) && started.Samples.Count > 0)
                {
                    throw Error(number, $"TYPE for {family} after its samples");
                }
            }
            else
            {
                var sample = ReadSample(line, number);
                family = FamilyOf(sample.Name, types);
                var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
                if (!series.Add(key))
                {
                    throw Error(number, $"series {key} appears twice");
                }

                var type = types.GetValueOrDefault(family, "untyped");
                if (!families.TryGetValue(family, out var metric))
                {
                    families[family] = metric = new MetricFamily(family, null, type, []);
                }

                CheckSampleName(sample, family, type, number);
                metric.Samples.Add(sample);
            }

            if (current is not null && current != family)
            {
                closed.Add(current);
            }

            if (closed.Contains(family))
            {
                throw Error(number, $"lines of {family} are not contiguous");
            }

            current = family;
        }

        foreach (var (name, metric) in families)
        {
            families[name] = metric with { Help = helps.GetValueOrDefault(name) };
            if (metric.Type == "histogram")
            {
                CheckHistogram(metric);
            }
        }

        return new PrometheusExposition(families);
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with exactly these labels.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        Find(name, labels) ?? throw new InvalidOperationException(
            $"no sample {name}{{{string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}");

    /// <summary>Like <see cref="Value"/>, or null when there is no such sample.</summary>
    public double? Find(string name, params (string Name, string Value)[] labels)
    {
        foreach (var family in _families.Values)
        {
            foreach (var sample in family.Samples)
            {
                if (sample.Name == name
                    && sample.Labels.Count == labels.Length
                    && labels.All(l => sample.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
                {
                    return sample.Value;
                }
            }
        }

        return null;
    }

    private static string FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal))
            {
                var family = sampleName[..^suffix.Length];
                if (types.GetValueOrDefault(family) is "histogram" or "summary")
                {
                    return family;
                }
            }
        }

        return sampleName;
    }

    private static void CheckSampleName(Sample sample, string family, string type, int number)
    {
        switch (type)
        {
            case "histogram":
                if (sample.Name == family + "_bucket" && !sample.Labels.ContainsKey("le"))
                {
                    throw Error(number, $"{sample.Name} without le");
                }

                if (sample.Name == family)
                {
                    throw Error(number, $"histogram {family} has a plain sample");
                }

                break;
            case "counter":
                if (sample.Value < 0 || double.IsNaN(sample.Value))
                {
                    throw Error(number, $"counter {family} is {sample.Value}");
                }

                break;
        }

        if (type != "histogram" && sample.Labels.ContainsKey("le"))
        {
            throw Error(number, $"{type} {family} has an le label");
        }
    }

    private static void CheckHistogram(MetricFamily family)
    {
        static string SeriesKey(Sample s) =>
            string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

        foreach (var group in family.Samples.GroupBy(SeriesKey))
        {
            var buckets = group.Where(s => s.Name == family.Name + "_bucket").ToList();
            var count = group.SingleOrDefault(s => s.Name == family.Name + "_count")
                ?? throw new FormatException($"histogram {family.Name}{{{group.Key}}} has no _count");
            _ = group.SingleOrDefault(s => s.Name == family.Name + "_sum")
                ?? throw new FormatException($"histogram {family.Name}{{{group.Key}}} has no _sum");
            if (buckets.Count == 0 || buckets[^1].Labels["le"] != "+Inf")
            {
                throw new FormatException($"histogram {family.Name}{{{group.Key}}} does not end with le=\"+Inf\"");
            }

            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                if (!TryParseValue(bucket.Labels["le"], out var bound) || bound <= previousBound)
                {
                    throw new FormatException($"histogram {family.Name}{{{group.Key}}}: le=\"{bucket.Labels["le"]}\" is not above the previous bound");
                }

                if (bucket.Value < previousCount)
                {
                    throw new FormatException($"histogram {family.Name}{{{group.Key}}}: bucket le=\"{bucket.Labels["le"]}\" is not cumulative");
                }

                (previousBound, previousCount) = (bound, bucket.Value);
            }

            if (buckets[^1].Value != count.Value)
            {
                throw new FormatException($"histogram {family.Name}{{{group.Key}}}: +Inf bucket {buckets[^1].Value} is not _count {count.Value}");
            }
        }
    }

    private static FormatException Error(int line, string message) => new($"line {line}: {message}");
}
