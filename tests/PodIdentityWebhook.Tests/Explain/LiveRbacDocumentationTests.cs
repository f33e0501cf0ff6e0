using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary>The troubleshooting page's table of the RBAC live mode needs names every read <see cref="LiveCluster"/> makes.</summary>
public class LiveRbacDocumentationTests
{
    [Fact]
    public void The_troubleshooting_page_lists_every_resource_and_verb_live_mode_reads()
    {
        var readme = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "docs", "troubleshooting.md"));
        var table = readme[readme.IndexOf("The RBAC live mode needs", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", table.IndexOf('|'), StringComparison.Ordinal)];
        var rows = table.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();

        foreach (var (group, resource, verbs) in LiveCluster.RequiredRbac)
        {
            var groupCell = resource.StartsWith('/') ? "nonResourceURLs" : group.Length == 0 ? "`\"\"`" : $"`{group}`";
            var name = resource.StartsWith('/') ? $"`{resource}`" : resource;
            Assert.True(
                rows.Any(r => r.StartsWith($"| {groupCell} |", StringComparison.Ordinal) && r.Contains(name, StringComparison.Ordinal)
                    && verbs.All(v => r.Contains(v, StringComparison.Ordinal))),
                $"docs/troubleshooting.md RBAC table lacks {groupCell} {name} {string.Join(",", verbs)}:\n{table}");
        }
    }
}
