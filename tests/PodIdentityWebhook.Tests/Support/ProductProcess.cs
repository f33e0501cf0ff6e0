using System.Diagnostics;
using System.Text;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>
/// The built webhook run as a real process (<c>dotnet PodIdentityWebhook.dll …</c>) from the
/// repository root, so relative paths such as <c>examples/service-accounts.yaml</c> work as in
/// the README. Output is collected while it runs; disposing kills it if still running.
/// </summary>
internal sealed class ProductProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ProductProcess(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = TestFiles.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TestFiles.ProductAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    public static ProductProcess Start(params string[] args) => new(args);

    /// <summary>Runs to completion (failing the test after <paramref name="timeout"/>) and returns the finished process.</summary>
    public static async Task<ProductProcess> RunAsync(TimeSpan timeout, params string[] args)
    {
        var process = new ProductProcess(args);
        await process.WaitForExitAsync(timeout);
        return process;
    }

    public static Task<ProductProcess> RunAsync(params string[] args) => RunAsync(TimeSpan.FromSeconds(60), args);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Kill();
            Assert.Fail($"the webhook did not exit within {timeout.TotalSeconds} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        // The exit may be seen before the last asynchronous output line; this waits for both streams to end.
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    public override string ToString() => $"exit {(HasExited ? ExitCode : -1)}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";

    // The SDK sets DOTNET_HOST_PATH for test runs: the same dotnet that built the product.
    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.Append(line).Append('\n');
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
