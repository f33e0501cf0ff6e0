namespace PodIdentityWebhook.Tests.Identity;

/// <summary>
/// Lays files out the way kubelet mounts a ConfigMap: <c>key -> ..data/key</c>,
/// <c>..data -> ..&lt;timestamp&gt;</c>, and updates by building a new timestamped
/// directory and renaming a new <c>..data_tmp</c> link over <c>..data</c>.
/// </summary>
internal sealed class ConfigMapVolume(string directory)
{
    private const string DataLink = "..data";
    private int _generation;

    public string Publish(string key, string content)
    {
        var versionName = $"..2026_{++_generation:D2}";
        var versionDirectory = Path.Combine(directory, versionName);
        Directory.CreateDirectory(versionDirectory);
        File.WriteAllText(Path.Combine(versionDirectory, key), content);

        var dataLink = Path.Combine(directory, DataLink);
        if (!Path.Exists(dataLink))
        {
            Directory.CreateSymbolicLink(dataLink, versionName);
        }
        else
        {
            var temporary = Path.Combine(directory, "..data_tmp");
            Directory.CreateSymbolicLink(temporary, versionName);
            // rename(2) of the link itself: atomic, like kubelet's AtomicWriter.
            Posix.Rename(temporary, dataLink);
        }

        var keyPath = Path.Combine(directory, key);
        if (!Path.Exists(keyPath))
        {
            File.CreateSymbolicLink(keyPath, Path.Combine(DataLink, key));
        }

        return keyPath;
    }
}
