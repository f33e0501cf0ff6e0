using System.Diagnostics;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// A command-line tool run to its end from the repository root, as a user runs it (kubectl,
/// helm, the project's scripts): exit code, stdout and stderr, with optional stdin.
/// </summary>
internal static class Tool
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string program, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ControlPlaneAssets.RepositoryRoot(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran past {timeout ?? TimeSpan.FromMinutes(5)}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The same, where a non-zero exit is a failure: it throws with what the tool said.</summary>
    public static async Task<string> RunCheckedAsync(
        string program, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var list = args.ToList();
        var (exit, stdout, stderr) = await RunAsync(program, list, stdin, timeout, environment);
        return exit == 0
            ? stdout
            : throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', list)} exited with {exit}:\n{stderr}\n{stdout}");
    }
}
