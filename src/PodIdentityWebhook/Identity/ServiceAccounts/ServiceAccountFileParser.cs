using System.Collections.Frozen;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// Reads the ServiceAccounts out of a --service-accounts-file: a single object, a
/// <c>List</c>/<c>ServiceAccountList</c> with <c>items</c>, or a multi-document YAML stream.
/// JSON is read by the same YAML parser (JSON is YAML). Objects of other kinds are skipped,
/// whatever their shape, so a whole <c>kubectl get -o yaml</c> dump can be used.
/// </summary>
internal static class ServiceAccountFileParser
{
    private const string ServiceAccountKind = "ServiceAccount";
    private const string ServiceAccountListKind = "ServiceAccountList";
    private const string ListKind = "List";

    /// <summary>Parses <paramref name="content"/>; throws <see cref="YamlException"/> when it is not YAML or JSON.</summary>
    public static FrozenDictionary<(string Namespace, string Name), ServiceAccountIdentity> Parse(
        byte[] content,
        ServiceAccountParser parser)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(Encoding.UTF8.GetString(content)))
        {
            stream.Load(reader);
        }

        var accounts = new Dictionary<(string, string), ServiceAccountIdentity>();
        foreach (var document in stream.Documents)
        {
            Collect(document.RootNode, defaultKind: null, accounts, parser);
        }

        return accounts.ToFrozenDictionary();
    }

    private static void Collect(
        YamlNode node,
        string? defaultKind,
        Dictionary<(string, string), ServiceAccountIdentity> accounts,
        ServiceAccountParser parser)
    {
        if (node is not YamlMappingNode mapping)
        {
            // Empty documents (a trailing ---) and stray scalars carry nothing.
            return;
        }

        var kind = Scalar(mapping, "kind") ?? defaultKind;
        if (kind is ListKind or ServiceAccountListKind)
        {
            if (Child(mapping, "items") is YamlSequenceNode items)
            {
                // The API omits kind on the items of a typed list.
                var itemKind = kind == ServiceAccountListKind ? ServiceAccountKind : null;
                foreach (var item in items)
                {
                    Collect(item, itemKind, accounts, parser);
                }
            }

            return;
        }

        if (kind != ServiceAccountKind || Child(mapping, "metadata") is not YamlMappingNode metadata)
        {
            return;
        }

        var name = Scalar(metadata, "name");
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        var @namespace = Scalar(metadata, "namespace");
        if (string.IsNullOrEmpty(@namespace))
        {
            @namespace = IdentityConstants.DefaultNamespace;
        }

        var annotations = Child(metadata, "annotations") is YamlMappingNode annotationNode
            ? ToDictionary(annotationNode)
            : null;
        accounts[(@namespace, name)] = parser.Parse(@namespace, name, Scalar(metadata, "resourceVersion"), annotations);
    }

    private static Dictionary<string, string> ToDictionary(YamlMappingNode node)
    {
        var result = new Dictionary<string, string>(node.Children.Count, StringComparer.Ordinal);
        foreach (var (key, value) in node.Children)
        {
            // Unquoted true/3600 in a hand-written file are still the strings the API would hold.
            if (key is YamlScalarNode { Value: { } k } && value is YamlScalarNode { Value: { } v })
            {
                result[k] = v;
            }
        }

        return result;
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode mapping, string key) =>
        Child(mapping, key) is YamlScalarNode scalar ? scalar.Value : null;
}
