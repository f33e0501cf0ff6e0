using System.Text;
using System.Text.RegularExpressions;

namespace PodIdentityWebhook.Tests.Docs;

/// <summary>
/// Checks the relative links of Markdown files the way GitHub renders them, so a page moved or a
/// heading renamed in the documentation cannot leave a reader at a dead link or a missing anchor.
/// </summary>
internal static partial class MarkdownLinks
{
    /// <summary>
    /// Every broken link of one file: a target that does not exist, an anchor no heading of the
    /// target produces, or a target outside the repository (readers of a checkout, a release
    /// archive or GitHub never have it).
    /// </summary>
    public static IReadOnlyList<string> Problems(string root, string relativePath, Func<string, string?> readMarkdown)
    {
        var problems = new List<string>();
        var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var text = readMarkdown(relativePath) ?? throw new InvalidOperationException($"{relativePath} cannot be read");
        var directory = Path.GetDirectoryName(Path.Combine(rootFull, relativePath))!;

        foreach (var (line, target) in Links(text))
        {
            if (SchemePattern().IsMatch(target))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var pathPart = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var where = $"{relativePath}:{line}: link ({target})";

            string targetRelative;
            if (pathPart.Length == 0)
            {
                targetRelative = relativePath;
            }
            else
            {
                var full = Path.GetFullPath(pathPart.StartsWith('/') ? Path.Combine(rootFull, pathPart.TrimStart('/')) : Path.Combine(directory, pathPart));
                var fullAsDirectory = full.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
                if (!full.StartsWith(rootFull, StringComparison.Ordinal) && fullAsDirectory != rootFull)
                {
                    problems.Add($"{where} resolves to {full}, outside the repository root {rootFull}: readers of a checkout or of GitHub never have it");
                    continue;
                }

                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    problems.Add($"{where}: {Path.GetRelativePath(rootFull, full)} does not exist");
                    continue;
                }

                targetRelative = Path.GetRelativePath(rootFull, full);
            }

            if (anchor is null || !targetRelative.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var targetText = readMarkdown(targetRelative);
            var anchors = targetText is null ? [] : Anchors(targetText);
            if (!anchors.Contains(Uri.UnescapeDataString(anchor)))
            {
                problems.Add($"{where}: no heading of {targetRelative} has the anchor #{anchor} (it has: {string.Join(", ", anchors.Order(StringComparer.Ordinal))})");
            }
        }

        return problems;
    }

    /// <summary>The anchors GitHub gives the headings of a page, code blocks left out.</summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, content) in OutsideCodeBlocks(markdown))
        {
            var heading = HeadingPattern().Match(content);
            if (!heading.Success)
            {
                continue;
            }

            var slug = Slug(heading.Groups[1].Value);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's rule: lower case; drop every character that is not a letter, a digit, a space, a
    /// hyphen or an underscore; each space becomes a hyphen.
    /// </summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder(heading.Length);
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    /// <summary>
    /// Inline links, images and reference definitions outside code blocks and code spans, with
    /// their line numbers. A link's text may wrap onto the next line, never across a blank one.
    /// </summary>
    private static IEnumerable<(int Line, string Target)> Links(string markdown)
    {
        var lineCount = markdown.Split('\n').Length;
        var prose = new string[lineCount];
        Array.Fill(prose, "");
        foreach (var (line, content) in OutsideCodeBlocks(markdown))
        {
            prose[line - 1] = CodeSpanPattern().Replace(content, "code");
            if (ReferenceDefinitionPattern().Match(prose[line - 1]) is { Success: true } definition)
            {
                yield return (line, definition.Groups[1].Value);
            }
        }

        var text = string.Join('\n', prose);
        foreach (Match link in InlineLinkPattern().Matches(text))
        {
            yield return (text.AsSpan(0, link.Index).Count('\n') + 1, link.Groups[1].Value);
        }
    }

    private static IEnumerable<(int Line, string Content)> OutsideCodeBlocks(string markdown)
    {
        string? fence = null;
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimEnd('\r').TrimStart();
            if (fence is null && (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)))
            {
                fence = trimmed[..3];
                continue;
            }

            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal) && trimmed.TrimStart(fence[0]).Trim().Length == 0)
                {
                    fence = null;
                }

                continue;
            }

            yield return (i + 1, lines[i].TrimEnd('\r'));
        }
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex SchemePattern();

    [GeneratedRegex(@"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"(`+)(?:(?!\1).)+?\1")]
    private static partial Regex CodeSpanPattern();

    [GeneratedRegex(@"!?\[(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLinkPattern();

    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")]
    private static partial Regex ReferenceDefinitionPattern();
}
