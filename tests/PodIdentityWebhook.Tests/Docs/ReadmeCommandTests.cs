using System.Diagnostics;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Tests.Hosting;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Docs;

/// <summary>
/// The commands the README shows, taken from its <c>sh</c> blocks and run as written where this
/// suite can: the local run, the curl that decodes its patch, and the offline explain. Every
/// other command must be one this class knows and checks otherwise (the E2E suite installs the
/// chart and applies <c>deploy/</c>), so a command added or changed in the README fails here
/// until a test covers it.
/// </summary>
public sealed class ReadmeCommandTests
{
    private const string DotnetRun = "dotnet run --project src/PodIdentityWebhook -- ";

    private static readonly string[] Covered =
    [
        // scripts/test.sh is what CI runs; the rest are checked below or in the E2E suite.
        "scripts/test.sh",
        "helm install pod-identity-webhook charts/pod-identity-webhook --namespace pod-identity-webhook --create-namespace", // E2E Shipping/ChartTests
        "kubectl apply -k deploy/", // E2E Shipping/DeployManifestTests
        "dotnet test tests/PodIdentityWebhook.Tests --filter FullyQualifiedName~Mutation",
    ];

    [Fact]
    public void Every_README_command_is_run_or_checked_by_a_test()
    {
        var commands = ReadmeCommands.All(TestFiles.RepositoryRoot);
        Assert.NotEmpty(commands);
        Assert.All(commands, command => Assert.True(
            command.StartsWith(DotnetRun, StringComparison.Ordinal) || command.StartsWith("curl ", StringComparison.Ordinal) || Covered.Contains(command),
            $"the README shows a command no test runs or checks: {command}"));
        Assert.True(File.Exists(Path.Combine(TestFiles.RepositoryRoot, "scripts", "test.sh")));
        Assert.True(Directory.Exists(Path.Combine(TestFiles.RepositoryRoot, "tests", "PodIdentityWebhook.Tests", "Mutation")), "the README's test filter names a folder of tests");
    }

    [Fact]
    public async Task The_README_local_run_answers_the_README_curl_with_the_role_patch()
    {
        var run = Assert.Single(ReadmeCommands.All(TestFiles.RepositoryRoot), c => c.StartsWith(DotnetRun, StringComparison.Ordinal) && !c.Contains(" explain ", StringComparison.Ordinal));
        var curl = Assert.Single(ReadmeCommands.All(TestFiles.RepositoryRoot), c => c.StartsWith("curl ", StringComparison.Ordinal));
        // A free port instead of the README's 8443, so parallel runs do not meet.
        var port = FreePort.Pick().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var args = Words(run[DotnetRun.Length..].Replace("--port 8443", $"--port {port}", StringComparison.Ordinal));
        Assert.Contains(port, args);
        using var webhook = ProductProcess.Start([.. args, "--metrics-port", FreePort.Pick().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using (var client = new WebhookClient(new Uri($"https://127.0.0.1:{port}"), _ => true))
        {
            await ProcessLocalRunTests.WaitUntilReadyAsync(webhook, client);
        }

        var (exit, stdout, stderr) = await BashAsync(curl.Replace("127.0.0.1:8443", $"127.0.0.1:{port}", StringComparison.Ordinal));
        Assert.True(exit == 0, $"the README's curl failed ({exit}): {stderr} (it needs curl, jq and base64)");
        var patch = JsonNode.Parse(stdout)!.AsArray();
        Assert.Contains(patch, op => op!.ToJsonString().Contains("arn:aws:iam::111122223333:role/s3-reader", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_README_offline_explain_runs_and_finds_the_role()
    {
        var explain = Assert.Single(ReadmeCommands.All(TestFiles.RepositoryRoot), c => c.StartsWith(DotnetRun + "explain ", StringComparison.Ordinal));
        using var process = await ProductProcess.RunAsync(Words(explain[DotnetRun.Length..]));
        Assert.True(process.ExitCode == 0, process.ToString());
        Assert.Contains("arn:aws:iam::", process.Stdout, StringComparison.Ordinal);
    }

    // The README's arguments carry no quotes or spaces inside a word.
    private static string[] Words(string command) => command.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<(int Exit, string Stdout, string Stderr)> BashAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["-o", "pipefail", "-c", command])
        {
            WorkingDirectory = TestFiles.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
