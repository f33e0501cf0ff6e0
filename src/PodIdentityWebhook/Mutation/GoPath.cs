namespace PodIdentityWebhook.Mutation;

/// <summary>
/// Go's <c>path/filepath.Join</c> and <c>Clean</c> for slash-separated paths: the reference
/// builds the token file path with them, so <c>/a/b/../c</c> and <c>/a//b/./c</c> give the
/// same variable here as there.
/// </summary>
internal static class GoPath
{
    /// <summary>The non-empty elements joined with <c>/</c> and cleaned; empty when all are empty.</summary>
    public static string Join(params ReadOnlySpan<string> elements)
    {
        var joined = string.Join('/', elements.ToArray().Where(e => e.Length > 0));
        return joined.Length == 0 ? "" : Clean(joined);
    }

    /// <summary>
    /// The shortest equivalent path by lexical processing: one slash between names, no <c>.</c>
    /// names, each <c>..</c> removing the name before it (and dropped at the root), no trailing
    /// slash; <c>.</c> for an empty result.
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var names = new List<string>();
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                if (names.Count > 0 && names[^1] != "..")
                {
                    names.RemoveAt(names.Count - 1);
                }
                else if (!rooted)
                {
                    names.Add(name);
                }

                continue;
            }

            names.Add(name);
        }

        var cleaned = string.Join('/', names);
        return rooted ? "/" + cleaned : cleaned.Length == 0 ? "." : cleaned;
    }
}
