using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary><c>explain ARGS</c> in process, with stdin, stdout and stderr as strings.</summary>
internal static class ExplainRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> args, string input = "")
    {
        string[] argv = ["explain", .. args];
        var parsed = FlagParser.Parse(argv, ExplainCommand.Flags);
        Assert.True(parsed.Error is null, parsed.Error);
        using var stdin = new StringReader(input);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            var exitCode = await ExplainCommand.RunAsync(parsed, stdin, output, error, CancellationToken.None);
            return (exitCode, output.ToString(), error.ToString());
        }
        catch (Exception ex)
        {
            // An escaping exception would crash the process with a stack trace instead of a message.
            Assert.Fail($"{string.Join(' ', argv)} threw instead of reporting: {ex}");
            throw;
        }
    }
}
