using System.Diagnostics;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Docs;

/// <summary>
/// The documentation is a front page and a book of pages that link into each other by anchor:
/// a moved section or a renamed heading must fail here, not on a reader.
/// </summary>
public class MarkdownLinkTests
{
    private const int FrontPageMaxLines = 250;

    [Fact]
    public void Every_relative_link_and_anchor_of_every_tracked_markdown_file_resolves()
    {
        var root = TestFiles.RepositoryRoot;
        var files = TrackedMarkdownFiles(root);
        Assert.Contains("README.md", files);
        Assert.Contains(Path.Combine("docs", "README.md"), files);

        var problems = files.SelectMany(f => MarkdownLinks.Problems(root, f, ReadFrom(root))).ToList();

        Assert.True(problems.Count == 0, $"{problems.Count} broken links:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void The_front_page_stays_short()
    {
        var lines = File.ReadAllLines(Path.Combine(TestFiles.RepositoryRoot, "README.md")).Length;

        Assert.True(lines <= FrontPageMaxLines, $"README.md has {lines} lines, more than {FrontPageMaxLines}: move the detail to a page under docs/");
    }

    [Fact]
    public void A_link_that_leaves_the_repository_fails_naming_the_root()
    {
        var root = TestFiles.RepositoryRoot;
        var pages = new Dictionary<string, string> { ["README.md"] = "See [the spec](../shared/SPEC.md).\n" };

        var problem = Assert.Single(MarkdownLinks.Problems(root, "README.md", p => pages.GetValueOrDefault(p)));

        Assert.Contains("outside the repository root", problem, StringComparison.Ordinal);
        Assert.StartsWith("README.md:1:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_files_and_anchors_fail_even_wrapped_but_schemes_and_code_are_ignored()
    {
        var root = TestFiles.RepositoryRoot;
        var pages = new Dictionary<string, string>
        {
            ["README.md"] = """
                # Title
                [ok](#title) [gone](#nowhere) [web](https://example.com/x.md#y) [mail](mailto:a@b.c)
                [file](examples/pod.yaml) [missing](examples/none.yaml) `[span](nothing.md)`
                [a link that
                wraps](#wrapped)
                ```sh
                [in a block](nothing.md)
                ```
                """,
        };

        var problems = MarkdownLinks.Problems(root, "README.md", p => pages.GetValueOrDefault(p));

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("#nowhere", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("README.md:4:", StringComparison.Ordinal) && p.Contains("#wrapped", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("none.yaml does not exist", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Why has my pod no credentials?", "why-has-my-pod-no-credentials")]
    [InlineData("Self-managed clusters: IRSA without EKS", "self-managed-clusters-irsa-without-eks")]
    [InlineData("Native AOT (the shipped build)", "native-aot-the-shipped-build")]
    [InlineData("The `explain` tool_v2", "the-explain-tool_v2")]
    [InlineData("Load, startup, fuzz and soak", "load-startup-fuzz-and-soak")]
    public void Headings_slug_as_GitHub_does(string heading, string slug) =>
        Assert.Equal(slug, MarkdownLinks.Slug(heading));

    [Fact]
    public void Repeated_headings_get_numbered_anchors()
    {
        var anchors = MarkdownLinks.Anchors("## Notes\n\n## Notes\n\n```\n## Notes\n```\n\n## Notes\n");

        Assert.Equal(["notes", "notes-1", "notes-2"], anchors.Order(StringComparer.Ordinal));
    }

    private static Func<string, string?> ReadFrom(string root) => relative =>
    {
        var path = Path.Combine(root, relative);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    };

    /// <summary>The Markdown files git tracks: what a checkout, and GitHub, shows readers.</summary>
    private static List<string> TrackedMarkdownFiles(string root)
    {
        var start = new ProcessStartInfo("git", ["-C", root, "ls-files", "-z", "--", "*.md"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git ls-files failed in {root}: {error}");

        return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace('/', Path.DirectorySeparatorChar))];
    }
}
