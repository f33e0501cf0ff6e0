using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Files;

/// <summary>
/// A value read from a file a flag names, followed after start (<see cref="WatchedFile"/>) and
/// swapped whole whenever a version of the file loads. At start a version that does not load
/// stops startup naming the flag; later it is counted and logged, and the last good value keeps
/// serving. Readers see one immutable value at a time.
/// </summary>
internal abstract class ReloadedFile<T> : IDisposable
    where T : class
{
    private readonly WatchedFile _file;
    private readonly string _flag;
    private T _current;
    private long _version;
    private long _failedReloads;

    protected ReloadedFile(string flag, string path, T empty, ILogger logger, TimeSpan? pollInterval, bool watchDirectory = true)
    {
        _flag = flag;
        _current = empty;
        _file = new WatchedFile(path, OnChange, logger, pollInterval, watchDirectory);
    }

    /// <summary>Number of versions that loaded (the first one included).</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Number of versions refused because they did not load.</summary>
    public long FailedReloads => Volatile.Read(ref _failedReloads);

    public string FullPath => _file.FullPath;

    protected T Current => Volatile.Read(ref _current);

    /// <summary>
    /// Loads the file and starts following it; a version that does not load throws
    /// <see cref="ConfigurationException"/> naming the flag, and nothing is followed.
    /// </summary>
    public void Start() => _file.Start();

    /// <summary>Reads the file again soon, even if it looks unchanged; the current value serves meanwhile.</summary>
    public void Reload() => _file.Reload();

    public void Dispose() => _file.Dispose();

    /// <summary>
    /// The value of one version of the file (<paramref name="content"/> null: the file is gone),
    /// or null with <paramref name="problem"/> saying why it does not load ("does not exist",
    /// "is not valid JSON: ...") and the exception behind it, if any.
    /// </summary>
    protected abstract T? Load(byte[]? content, out string problem, out Exception? cause);

    /// <summary>A version loaded and now serves.</summary>
    protected abstract void OnLoaded(T value, bool fileMissing);

    /// <summary>A version after the first did not load; <see cref="Current"/> keeps serving.</summary>
    protected abstract void OnRefused(string problem, Exception? cause, bool fileMissing);

    private void OnChange(byte[]? content)
    {
        if (Load(content, out var problem, out var cause) is not { } value)
        {
            if (Version == 0)
            {
                var message = $"{_flag}: file {FullPath} {problem}";
                throw cause is null ? new ConfigurationException(message) : new ConfigurationException(message, cause);
            }

            Interlocked.Increment(ref _failedReloads);
            OnRefused(problem, cause, content is null);
            return;
        }

        Volatile.Write(ref _current, value);
        Interlocked.Increment(ref _version);
        OnLoaded(value, content is null);
    }
}
