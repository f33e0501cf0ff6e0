namespace PodIdentityWebhook.Tests.Support;

/// <summary>Where the tests find their data files and the repository's examples.</summary>
internal static class TestFiles
{
    /// <summary>A file copied next to the test assembly from <c>TestData/</c>.</summary>
    public static string Data(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    public static string ReadData(params string[] parts) => File.ReadAllText(Data(parts));

    /// <summary>The repository root: the first parent of the test output that holds <c>examples/</c>.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Example(string name) => Path.Combine(RepositoryRoot, "examples", name);

    /// <summary>The built webhook, copied next to the tests by the project reference.</summary>
    public static string ProductAssembly => Path.Combine(AppContext.BaseDirectory, "PodIdentityWebhook.dll");

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "examples"))
                && Directory.Exists(Path.Combine(directory.FullName, "src")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (a folder with examples/ and src/) above {AppContext.BaseDirectory}");
    }
}
