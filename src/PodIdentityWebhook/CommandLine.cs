using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Verify;

namespace PodIdentityWebhook;

/// <summary>What happens before any service starts: errors, --help, --version, warnings.</summary>
internal static class CommandLine
{
    /// <summary>The exit code when the process must stop now, else null (run the webhook or a subcommand).</summary>
    public static int? EarlyExit(FlagParseResult parsed, TextWriter output, TextWriter error)
    {
        if (parsed.Error is { } message)
        {
            error.WriteLine($"pod-identity-webhook: {message}");
            error.WriteLine("Run with --help to list the flags.");
            return 2;
        }

        if (parsed.HelpRequested && ExplainCommand.IsRequested(parsed))
        {
            ExplainCommand.WriteHelp(output);
            return 0;
        }

        if (parsed.HelpRequested && VerifyCommand.IsRequested(parsed))
        {
            VerifyCommand.WriteHelp(output);
            return 0;
        }

        if (parsed.HelpRequested)
        {
            FlagHelp.Write(output, [.. ExplainCommand.Flags, .. VerifyCommand.Flags]);
            output.WriteLine();
            output.WriteLine("Subcommand: explain --pod FILE|- [flags]: why a pod gets (or does not get) credentials; explain --help lists its flags.");
            output.WriteLine("Subcommand: verify --service-account NAME [flags]: a dry-run pod through the API server, checked for the identity; verify --help lists its flags.");
            return 0;
        }

        if (parsed.VersionRequested)
        {
            output.WriteLine($"pod-identity-webhook {ProductVersion.Informational}");
            return 0;
        }

        // The reference ignores stray arguments (pflag leaves "--logtostderr false" with a
        // positional "false"), so existing Deployments must keep starting: warn, don't stop.
        if (parsed.Positionals.Count > 0 && !ExplainCommand.IsRequested(parsed) && !VerifyCommand.IsRequested(parsed))
        {
            error.WriteLine($"pod-identity-webhook: warning: ignoring arguments that are not flags: {string.Join(' ', parsed.Positionals)}");
        }

        foreach (var warning in parsed.Warnings)
        {
            error.WriteLine($"pod-identity-webhook: warning: {warning}");
        }

        return null;
    }
}
