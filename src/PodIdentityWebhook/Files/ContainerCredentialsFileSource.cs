using System.Text.Json;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// The EKS Pod Identity associations from --watch-container-credentials-config, reloaded when
/// the file changes, including the symlink swap of a mounted ConfigMap. Missing or empty
/// file: no identities. A version that does not parse keeps the last good set.
/// </summary>
internal sealed partial class ContainerCredentialsFileSource : IContainerCredentialsSource, IDisposable
{
    private readonly ILogger<ContainerCredentialsFileSource> _logger;
    private readonly WatchedFile _file;
    private ContainerCredentialsIdentities _identities = ContainerCredentialsIdentities.Empty;
    private long _version;
    private long _failedReloads;

    public ContainerCredentialsFileSource(
        string path,
        ILogger<ContainerCredentialsFileSource> logger,
        TimeSpan? pollInterval = null,
        bool watchDirectory = true)
    {
        _logger = logger;
        _file = new WatchedFile(path, OnChange, logger, pollInterval, watchDirectory);
    }

    /// <summary>Number of loads that took effect (the first one included).</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Number of versions refused because they did not parse.</summary>
    public long FailedReloads => Volatile.Read(ref _failedReloads);

    public int Count => Volatile.Read(ref _identities).Count;

    /// <summary>
    /// Loads the file and starts following it. A missing file is fine (no identities yet);
    /// one that does not parse throws <see cref="ConfigurationException"/> naming the flag.
    /// </summary>
    public void Start() => _file.Start();

    public bool Contains(string @namespace, string serviceAccount) =>
        Volatile.Read(ref _identities).Contains(@namespace, serviceAccount);

    public IReadOnlyCollection<(string Namespace, string ServiceAccount)> All() => Volatile.Read(ref _identities).All();

    /// <summary>Reads the file again soon, even if it looks unchanged; the current set serves meanwhile.</summary>
    public void Reload() => _file.Reload();

    public void Dispose() => _file.Dispose();

    private void OnChange(byte[]? content)
    {
        var starting = Version == 0;
        ContainerCredentialsIdentities identities;
        try
        {
            identities = content is null ? ContainerCredentialsIdentities.Empty : ContainerCredentialsIdentities.Parse(content);
        }
        catch (JsonException ex)
        {
            if (starting)
            {
                throw new ConfigurationException(
                    $"{IdentityConstants.ContainerCredentialsConfigFlag}: file {_file.FullPath} is not valid JSON: {ex.Message}", ex);
            }

            Interlocked.Increment(ref _failedReloads);
            LogParseFailed(_logger, _file.FullPath, Count, ex);
            return;
        }

        Volatile.Write(ref _identities, identities);
        Interlocked.Increment(ref _version);
        if (content is null)
        {
            LogMissing(_logger, _file.FullPath);
        }
        else
        {
            LogLoaded(_logger, _file.FullPath, identities.Count);
        }
    }

    [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "Loaded {Count} container-credentials identities from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Error,
        Message = "Container-credentials file {Path} does not parse; keeping the {Count} identities loaded before")]
    private static partial void LogParseFailed(ILogger logger, string path, int count, Exception exception);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Warning, Message = "Container-credentials file {Path} does not exist; no identities")]
    private static partial void LogMissing(ILogger logger, string path);
}
