using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Docs;

/// <summary>
/// The source folders depend on each other one way only, and the architecture page draws that
/// graph as it is: a new dependency either keeps the graph acyclic and updates the page, or fails.
/// </summary>
public class ArchitectureGraphTests
{
    private const string StartMarker = "<!-- folder-graph:start -->";
    private const string EndMarker = "<!-- folder-graph:end -->";

    private static string SourceRoot => Path.Combine(TestFiles.RepositoryRoot, "src", "PodIdentityWebhook");

    [Fact]
    public void The_folders_of_the_source_depend_on_each_other_without_a_cycle()
    {
        var cycle = FolderGraph.FindCycle(FolderGraph.Edges(SourceRoot));

        Assert.True(cycle is null, $"the folders of src/PodIdentityWebhook depend on each other in a cycle: {cycle}");
    }

    [Fact]
    public void The_architecture_page_draws_exactly_the_folder_graph_of_the_source()
    {
        var expected = FolderGraph.MermaidBlock(FolderGraph.Edges(SourceRoot));
        var page = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "docs", "architecture.md")).ReplaceLineEndings("\n");
        var start = page.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = page.IndexOf(EndMarker, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/architecture.md lacks the {StartMarker} … {EndMarker} markers");

        var actual = page[(start + StartMarker.Length)..end].Trim('\n');

        Assert.True(actual == expected, $"docs/architecture.md's folder graph differs from the source; paste this between the markers:\n{expected}");
    }

    [Fact]
    public void No_folder_uses_one_the_layout_list_puts_after_it()
    {
        // The folders as docs/architecture.md's Layout block lists them, from nothing up to everything.
        var order = File.ReadLines(Path.Combine(TestFiles.RepositoryRoot, "docs", "architecture.md"))
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^  ([A-Z]\w+)/ "))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .ToList();
        Assert.Equal(FolderGraph.Folders(SourceRoot).Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));

        var backwards = FolderGraph.Edges(SourceRoot).Where(edge => order.IndexOf(edge.From) < order.IndexOf(edge.To)).ToList();

        Assert.True(backwards.Count == 0, $"these folders use one listed after them in docs/architecture.md's Layout: {string.Join(", ", backwards.Select(e => $"{e.From} -> {e.To}"))}");
    }

    [Fact]
    public void Every_namespace_follows_its_top_level_folder()
    {
        var strays = FolderGraph.Folders(SourceRoot)
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(SourceRoot, folder), "*.cs", SearchOption.AllDirectories)
                .Where(p => !File.ReadLines(p).Any(l => l == $"namespace PodIdentityWebhook.{folder};"))
                .Select(p => Path.GetRelativePath(SourceRoot, p)))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        Assert.True(strays.Count == 0, $"the folder graph assumes namespace PodIdentityWebhook.<Folder> per folder; these files differ:\n{string.Join('\n', strays)}");
    }

    [Fact]
    public void A_cycle_is_named_from_where_it_closes()
    {
        var cycle = FolderGraph.FindCycle([("Admission", "Identity"), ("Identity", "Options"), ("Options", "Admission"), ("Hosting", "Admission")]);

        Assert.Equal("Admission -> Identity -> Options -> Admission", cycle);
    }
}
