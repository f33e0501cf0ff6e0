namespace PodIdentityWebhook.Tests.Support;

/// <summary>The shell commands of the README's <c>sh</c> blocks, which tests run or check.</summary>
internal static class ReadmeCommands
{
    /// <summary>The README's shell commands, one per entry, continuation lines joined.</summary>
    public static IReadOnlyList<string> All(string repositoryRoot)
    {
        var commands = new List<string>();
        var inShell = false;
        var current = "";
        foreach (var line in File.ReadAllLines(Path.Combine(repositoryRoot, "README.md")))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line.Trim() == "```sh";
                continue;
            }

            if (!inShell || line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            current += line.Trim().TrimEnd('\\').Trim() + " ";
            if (!line.TrimEnd().EndsWith('\\'))
            {
                commands.Add(current.Trim());
                current = "";
            }
        }

        return commands;
    }
}
