using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PodIdentityWebhook.Manifests;

/// <summary>
/// Converts Kubernetes YAML (or JSON, which is YAML) manifests to JSON nodes with the
/// YAML 1.2 core schema: quoted scalars are strings, plain <c>true</c>/<c>false</c> are
/// booleans, plain integers and floats are numbers, plain <c>null</c>/<c>~</c>/empty are null.
/// </summary>
internal static class YamlJson
{
    /// <summary>Every non-empty document of the stream, in order.</summary>
    public static IReadOnlyList<JsonNode> ParseDocuments(string text)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }

        var documents = new List<JsonNode>();
        foreach (var document in stream.Documents)
        {
            if (Convert(document.RootNode) is { } node)
            {
                documents.Add(node);
            }
        }

        return documents;
    }

    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "YAML aliases are not supported in manifests"),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                throw new YamlException(key.Start, key.End, "mapping keys must be scalars");
            }

            result[name] = Convert(value);
        }

        return result;
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (value.Length > 0 && (char.IsAsciiDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(value);
    }

    /// <summary>Writes <paramref name="node"/> as block YAML; strings that would read back as another type are quoted.</summary>
    public static string ToYaml(JsonNode? node)
    {
        var stream = new YamlStream(new YamlDocument(ToYamlNode(node)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();

        // YamlStream ends every document with an explicit "..." marker; manifests do not.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode ToYamlNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var mapping = new YamlMappingNode();
                foreach (var (key, value) in obj)
                {
                    mapping.Add(StringScalar(key), ToYamlNode(value));
                }

                return mapping;
            case JsonArray array:
                return new YamlSequenceNode(array.Select(ToYamlNode));
            case null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            default:
                return node.GetValueKind() == System.Text.Json.JsonValueKind.String
                    ? StringScalar(node.GetValue<string>())
                    : new YamlScalarNode(node.ToJsonString()) { Style = ScalarStyle.Plain };
        }
    }

    private static YamlScalarNode StringScalar(string value) =>
        NeedsQuotes(value)
            ? new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted }
            : new YamlScalarNode(value);

    /// <summary>
    /// True for strings a reader could take for something else: another type under the core
    /// schema or under YAML 1.1 (which kubectl's parser follows: yes/no/on/off, 0x1F, 1_000),
    /// and strings whose whitespace or control characters a plain scalar would lose.
    /// </summary>
    private static bool NeedsQuotes(string value)
    {
        if (value.Length == 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return true;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        if (Yaml11Words.Contains(value))
        {
            return true;
        }

        // Anything that starts like a number may be one in some YAML dialect.
        if (char.IsAsciiDigit(value[0]) || (value.Length > 1 && value[0] is '-' or '+' or '.' && (char.IsAsciiDigit(value[1]) || value[1] == '.')))
        {
            return true;
        }

        return ConvertScalar(new YamlScalarNode(value) { Style = ScalarStyle.Plain }) is not { } parsed
            || parsed.GetValueKind() != System.Text.Json.JsonValueKind.String;
    }

    private static readonly HashSet<string> Yaml11Words = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    };
}
