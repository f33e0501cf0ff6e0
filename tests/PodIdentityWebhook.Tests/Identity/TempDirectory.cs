namespace PodIdentityWebhook.Tests.Identity;

/// <summary>A fresh directory per test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "piw-identity-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes through a temporary file and a rename, as editors and kubectl cp do.</summary>
    public string Write(string name, string content)
    {
        var path = File(name);
        var temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, content);
        System.IO.File.Move(temporary, path, overwrite: true);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the OS cleans the temp directory.
        }
    }
}
