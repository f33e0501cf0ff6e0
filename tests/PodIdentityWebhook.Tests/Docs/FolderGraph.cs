using System.Text;
using System.Text.RegularExpressions;

namespace PodIdentityWebhook.Tests.Docs;

/// <summary>
/// The dependency graph between the top-level folders of the webhook's source, read from the
/// source text. Namespaces follow folders (<c>PodIdentityWebhook.F</c> for everything under
/// <c>F/</c>), so a file depends on folder G when it imports or qualifies G's namespace, or names
/// one of G's types as <c>G.TypeName</c>.
/// </summary>
internal static partial class FolderGraph
{
    private const string RootNamespace = "PodIdentityWebhook";

    /// <summary>Edges (from, to) between the folders under <paramref name="sourceRoot"/>, sorted.</summary>
    public static IReadOnlyList<(string From, string To)> Edges(string sourceRoot)
    {
        var sources = Folders(sourceRoot).ToDictionary(
            f => f,
            f => Directory.EnumerateFiles(Path.Combine(sourceRoot, f), "*.cs", SearchOption.AllDirectories)
                .Where(p => !IsBuildOutput(sourceRoot, p))
                .Select(p => WithoutComments(File.ReadAllText(p)))
                .ToList(),
            StringComparer.Ordinal);

        var types = sources.ToDictionary(
            s => s.Key,
            s => s.Value.SelectMany(text => TypeDeclarationPattern().Matches(text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

        var edges = new SortedSet<(string, string)>(Comparer<(string, string)>.Create((a, b) =>
            string.CompareOrdinal(a.Item1, b.Item1) is var c and not 0 ? c : string.CompareOrdinal(a.Item2, b.Item2)));
        foreach (var (from, texts) in sources)
        {
            foreach (var text in texts)
            {
                foreach (Match m in NamespaceReferencePattern().Matches(text))
                {
                    var to = m.Groups[1].Value;
                    if (to != from && sources.ContainsKey(to))
                    {
                        edges.Add((from, to));
                    }
                }

                foreach (Match m in QualifiedTypePattern().Matches(text))
                {
                    var (to, type) = (m.Groups[1].Value, m.Groups[2].Value);
                    if (to != from && types.TryGetValue(to, out var declared) && declared.Contains(type))
                    {
                        edges.Add((from, to));
                    }
                }
            }
        }

        return [.. edges];
    }

    /// <summary>The first cycle found, as <c>A -> B -> A</c>, or null when the graph has none.</summary>
    public static string? FindCycle(IReadOnlyList<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList(), StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        string? Visit(string node)
        {
            var onPath = path.IndexOf(node);
            if (onPath >= 0)
            {
                return string.Join(" -> ", path.Skip(onPath).Append(node));
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var to in next.GetValueOrDefault(node) ?? [])
            {
                if (Visit(to) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return next.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    /// <summary>The Mermaid block the architecture page holds between its markers.</summary>
    public static string MermaidBlock(IReadOnlyList<(string From, string To)> edges)
    {
        var block = new StringBuilder("```mermaid\ngraph TD\n");
        foreach (var (from, to) in edges)
        {
            block.Append("    ").Append(from).Append(" --> ").Append(to).Append('\n');
        }

        return block.Append("```").ToString();
    }

    /// <summary>The folders directly under the source root that hold C# files.</summary>
    public static IReadOnlyList<string> Folders(string sourceRoot) =>
        [.. Directory.EnumerateDirectories(sourceRoot)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(f => f is not ("bin" or "obj") && Directory.EnumerateFiles(Path.Combine(sourceRoot, f), "*.cs", SearchOption.AllDirectories).Any())
            .Order(StringComparer.Ordinal)];

    private static bool IsBuildOutput(string sourceRoot, string path)
    {
        var first = Path.GetRelativePath(sourceRoot, path).Split(Path.DirectorySeparatorChar);
        return first.Contains("bin") || first.Contains("obj");
    }

    /// <summary>Comments name types in prose ("the class that…"), which is no dependency.</summary>
    private static string WithoutComments(string text) =>
        LineCommentPattern().Replace(BlockCommentPattern().Replace(text, " "), "");

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockCommentPattern();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineCommentPattern();

    [GeneratedRegex(@"\b(?:class|record(?:\s+(?:class|struct))?|struct|interface|enum)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclarationPattern();

    // "using PodIdentityWebhook.G;", "using PodIdentityWebhook.G.Sub;", "PodIdentityWebhook.G.Type".
    [GeneratedRegex(@"(?<![\w.])" + RootNamespace + @"\.([A-Z]\w*)\b")]
    private static partial Regex NamespaceReferencePattern();

    // "G.TypeName", not "x.G.TypeName" nor "xG.TypeName".
    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\.([A-Z]\w*)\b")]
    private static partial Regex QualifiedTypePattern();
}
