using System.Globalization;
using System.Text;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// The exposition reader's lexical rules: one HELP/TYPE comment or one sample line at a time,
/// label value and HELP escapes, Go-style float values, and metric and label name syntax.
/// </summary>
internal sealed partial class PrometheusExposition
{
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
}
