using System.Globalization;
using System.Text;

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
internal sealed class PrometheusExposition
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

    // (family, HELP|TYPE, text) for HELP and TYPE lines; null for other comments.
    private static (string Family, string Keyword, string Value)? ReadComment(string line, int number)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 3 || parts[0] != "#" || parts[1] is not ("HELP" or "TYPE"))
        {
            return null;
        }

        var name = parts[2];
        if (!IsMetricName(name))
        {
            throw Error(number, $"invalid metric name \"{name}\"");
        }

        var value = parts.Length == 4 ? parts[3] : "";
        if (parts[1] == "HELP")
        {
            return (name, "HELP", Unescape(value, allowQuote: false, number));
        }

        if (value is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
        {
            throw Error(number, $"unknown type \"{value}\"");
        }

        return (name, "TYPE", value);
    }

    private static Sample ReadSample(string line, int number)
    {
        var position = 0;
        while (position < line.Length && line[position] is not ('{' or ' '))
        {
            position++;
        }

        var name = line[..position];
        if (!IsMetricName(name))
        {
            throw Error(number, $"invalid metric name \"{name}\"");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (true)
            {
                if (position < line.Length && line[position] == '}')
                {
                    position++;
                    break;
                }

                var equals = line.IndexOf('=', position);
                if (equals < 0)
                {
                    throw Error(number, "label without '='");
                }

                var labelName = line[position..equals];
                if (!IsLabelName(labelName) || labelName.StartsWith("__", StringComparison.Ordinal))
                {
                    throw Error(number, $"invalid label name \"{labelName}\"");
                }

                position = equals + 1;
                if (position >= line.Length || line[position] != '"')
                {
                    throw Error(number, $"label {labelName} value is not quoted");
                }

                var value = new StringBuilder();
                position++;
                while (true)
                {
                    if (position >= line.Length)
                    {
                        throw Error(number, $"label {labelName} value is not closed");
                    }

                    var c = line[position++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        if (position >= line.Length)
                        {
                            throw Error(number, "backslash at the end of the line");
                        }

                        value.Append(line[position++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw Error(number, $"invalid escape \\{other} in label {labelName}"),
                        });
                        continue;
                    }

                    value.Append(c);
                }

                if (!labels.TryAdd(labelName, value.ToString()))
                {
                    throw Error(number, $"label {labelName} twice");
                }

                if (position < line.Length && line[position] == ',')
                {
                    position++;
                }
                else if (position >= line.Length || line[position] != '}')
                {
                    throw Error(number, "labels not separated by ','");
                }
            }
        }

        if (position >= line.Length || line[position] != ' ')
        {
            throw Error(number, "no space before the value");
        }

        var fields = line[(position + 1)..].Split(' ');
        if (fields.Length is < 1 or > 2 || !TryParseValue(fields[0], out var sampleValue))
        {
            throw Error(number, $"invalid value \"{line[(position + 1)..]}\"");
        }

        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw Error(number, $"invalid timestamp \"{fields[1]}\"");
        }

        return new Sample(name, labels, sampleValue);
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

    private static string Unescape(string text, bool allowQuote, int number)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            if (++i >= text.Length)
            {
                throw Error(number, "backslash at the end of the line");
            }

            result.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when allowQuote => '"',
                var other => throw Error(number, $"invalid escape \\{other}"),
            });
        }

        return result.ToString();
    }

    // Go's strconv.ParseFloat as Prometheus uses it: decimal or exponent forms, Inf and NaN spellings.
    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf" or "+inf" or "inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf" or "-inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN" or "nan":
                value = double.NaN;
                return true;
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value) && text.Length > 0 && !text.Contains(',', StringComparison.Ordinal);
    }

    private static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static FormatException Error(int line, string message) => new($"line {line}: {message}");
}
