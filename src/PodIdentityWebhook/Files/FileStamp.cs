namespace PodIdentityWebhook.Files;

/// <summary>
/// What the poll compares to see a file change: the path with every symlink resolved (a
/// ConfigMap swap changes it even when size and time match), the size and the write time.
/// </summary>
internal readonly record struct FileStamp(string RealPath, long Length, DateTime LastWriteUtc)
{
    // Same bound as Linux (MAXSYMLINKS) so a symlink loop ends.
    private const int MaxSymlinkHops = 40;

    /// <summary>The stamp of <paramref name="path"/>, or null when it does not exist.</summary>
    public static FileStamp? Of(string path)
    {
        try
        {
            var realPath = ResolveRealPath(path);
            if (realPath is null)
            {
                return null;
            }

            var info = new FileInfo(realPath);
            return info.Exists ? new FileStamp(realPath, info.Length, info.LastWriteTimeUtc) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// realpath(3) without native calls: every component that is a symlink is replaced by
    /// its target, including directories such as <c>..data</c>. Null on a symlink loop.
    /// </summary>
    public static string? ResolveRealPath(string path)
    {
        var current = Path.GetFullPath(path);
        var hops = 0;
        while (true)
        {
            var root = Path.GetPathRoot(current) ?? "/";
            var parts = current[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var resolved = root;
            var restarted = false;
            for (var i = 0; i < parts.Length; i++)
            {
                var candidate = Path.Combine(resolved, parts[i]);
                var target = new FileInfo(candidate).LinkTarget;
                if (target is null)
                {
                    resolved = candidate;
                    continue;
                }

                if (++hops > MaxSymlinkHops)
                {
                    return null;
                }

                var rest = string.Join(Path.DirectorySeparatorChar, parts, i + 1, parts.Length - i - 1);
                var linkTarget = Path.IsPathRooted(target) ? target : Path.Combine(resolved, target);
                current = Path.GetFullPath(rest.Length == 0 ? linkTarget : Path.Combine(linkTarget, rest));
                restarted = true;
                break;
            }

            if (!restarted)
            {
                return resolved;
            }
        }
    }
}
