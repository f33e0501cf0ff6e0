using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Manifests;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary>
/// <c>explain</c> on every case under <c>TestData/explain/</c>: a manifest, the flags, and what
/// the answer must say per pod (called or not, injected or not, the warnings by code, text the
/// report must and must not hold) and the exit code. Each case runs twice, as text and as JSON.
/// </summary>
public sealed class ExplainCaseTests : IDisposable
{
    private static readonly string CaseDirectory = TestFiles.Data("explain");

    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Cases() =>
        new(Directory.GetFiles(CaseDirectory, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Case_directory_holds_a_case_for_every_wrong_answer_and_warning_of_issue_14()
    {
        string[] required =
        [
            "opt-out-label-is-not-called", "list-explains-every-item", "multi-document-explains-every-item",
            "deprecated-service-account-field", "namespace-assumed-default", "namespace-from-flag",
            "container-sets-its-own-role", "annotation-typo", "role-arn-malformed", "static-keys",
            "env-from", "skip-containers-unknown", "token-expiration-raised", "trust-policy-allows",
            "trust-policy-wrong-sub", "trust-policy-without-issuer", "pod-identity-needs-its-trust-policy",
            "role-arn-missing-colon", "audience-refused", "pod-identity-audience-refused", "token-file-overridden",
            "verdicts-counted-apart", "injected-but-some-will-not-work",
        ];
        Assert.All(required, name => Assert.True(File.Exists(Path.Combine(CaseDirectory, name + ".yaml")), $"missing case {name}"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Case_answers_as_expected(string name)
    {
        var testCase = Assert.Single(YamlJson.ParseDocuments(await File.ReadAllTextAsync(Path.Combine(CaseDirectory, name + ".yaml"))));
        var manifest = _directory.Write("manifest.yaml", testCase["manifest"]!.GetValue<string>());
        if (testCase["files"] is JsonObject files)
        {
            foreach (var (file, content) in files)
            {
                _directory.Write(file, content!.GetValue<string>());
            }
        }

        var args = (testCase["args"] as JsonArray ?? [])
            .Select(a => a!.GetValue<string>().Replace("{dir}", _directory.Path, StringComparison.Ordinal))
            .ToList();
        var expect = testCase["expect"]!;
        var text = await ExplainRunner.RunAsync(["--pod", manifest, .. args]);
        var json = await ExplainRunner.RunAsync(["--pod", manifest, "--output", "json", .. args]);
        var context = $"{name}: {testCase["description"]}\n{text.Output}{text.Error}";

        var exitCode = (int)expect["exitCode"]!.GetValue<long>();
        Assert.True(exitCode == text.ExitCode, $"exit {text.ExitCode}, expected {exitCode}\n{context}");
        Assert.Equal(text.ExitCode, json.ExitCode);
        if (expect["summary"]?.GetValue<string>() is { } summary)
        {
            // The whole line: "credentials injected" is also the start of "credentials injected, will not work".
            Assert.True(SummaryLine(text.Output) == summary, $"summary '{SummaryLine(text.Output)}', expected '{summary}'\n{context}");
            Assert.Equal(summary, SummaryLine(json.Error));
        }

        foreach (var expected in Strings(expect["report"]))
        {
            Assert.True(text.Output.Contains(expected, StringComparison.Ordinal), $"the report lacks '{expected}'\n{context}");
        }

        foreach (var unexpected in Strings(expect["notReport"]))
        {
            Assert.False(text.Output.Contains(unexpected, StringComparison.Ordinal), $"the report holds '{unexpected}'\n{context}");
        }

        var documents = JsonDocuments(json.Output);
        var items = expect["items"]!.AsArray();
        Assert.True(items.Count == documents.Count, $"{documents.Count} JSON documents for {items.Count} expected items\n{json.Output}");
        for (var i = 0; i < items.Count; i++)
        {
            AssertItem(items[i]!, documents[i], $"item {i + 1} of {context}\n{documents[i].ToJsonString()}");
        }
    }

    [Fact]
    public async Task Pod_dash_reads_the_manifest_from_stdin()
    {
        var manifest = await File.ReadAllTextAsync(TestFiles.Example("pod.yaml"));
        var run = await ExplainRunner.RunAsync(["--pod", "-", "--service-accounts-file", TestFiles.Example("service-accounts.yaml")], manifest);

        Assert.Equal(ExplainCommand.ExitInjected, run.ExitCode);
        Assert.Contains("Pod default/reader (Pod, stdin)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_with_json_output_prints_nothing_on_stdout_and_the_error_on_stderr()
    {
        var file = _directory.Write("config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");

        var run = await ExplainRunner.RunAsync(["--pod", file, "--output", "json"]);

        Assert.Equal(ExplainCommand.ExitBadInput, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("holds no Pod or workload", run.Error, StringComparison.Ordinal);
    }

    private static void AssertItem(JsonNode expected, JsonNode actual, string context)
    {
        if (expected["pod"]?.GetValue<string>() is { } pod)
        {
            Assert.True(pod == $"{actual["namespace"]}/{actual["pod"]}", $"pod {actual["namespace"]}/{actual["pod"]}, expected {pod}\n{context}");
        }

        Check(expected, actual, "injected", a => a["injected"], context);
        Check(expected, actual, "called", a => a["webhook"]!["called"], context);
        Check(expected, actual, "serviceAccount", a => a["serviceAccount"], context);
        Check(expected, actual, "trustDecision", a => a["trustPolicy"]?["decision"], context);
        Check(expected, actual, "verdict", a => a["verdict"], context);
        Check(expected, actual, "succeeds", a => a["succeeds"], context);
        if (expected["breaking"] is JsonArray breaking)
        {
            // The codes whose finding says it breaks credentials: the severity travels with the finding.
            var codes = actual["warnings"]!.AsArray().Where(w => w!["breaksCredentials"]!.GetValue<bool>())
                .Select(w => w!["code"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            var wanted = breaking.Select(w => w!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            Assert.True(wanted.SequenceEqual(codes), $"breaking [{string.Join(", ", codes)}], expected [{string.Join(", ", wanted)}]\n{context}");
        }

        if (expected["warnings"] is JsonArray warnings)
        {
            var codes = actual["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            var wanted = warnings.Select(w => w!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            Assert.True(wanted.SequenceEqual(codes), $"warnings [{string.Join(", ", codes)}], expected [{string.Join(", ", wanted)}]\n{context}");
        }
    }

    private static void Check(JsonNode expected, JsonNode actual, string field, Func<JsonNode, JsonNode?> value, string context)
    {
        if (expected[field] is { } wanted)
        {
            var got = value(actual);
            Assert.True(JsonNode.DeepEquals(wanted, got), $"{field} is {got?.ToJsonString() ?? "null"}, expected {wanted.ToJsonString()}\n{context}");
        }
    }

    private static string? SummaryLine(string output) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith("Summary: ", StringComparison.Ordinal));

    private static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray array ? array.Select(s => s!.GetValue<string>()) : [];

    /// <summary>Every JSON value of the output, as jq reads a stream.</summary>
    private static List<JsonNode> JsonDocuments(string output)
    {
        var documents = new List<JsonNode>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(output), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            documents.Add(JsonNode.Parse(ref reader)!);
        }

        return documents;
    }
}
