using System.Text.Json;
using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Files;

/// <summary>
/// The EKS Pod Identity associations from --watch-container-credentials-config, reloaded when
/// the file changes, including the symlink swap of a mounted ConfigMap. Missing or empty
/// file: no identities. A version that does not parse keeps the last good set.
/// </summary>
internal sealed partial class ContainerCredentialsFileSource : ReloadedFile<ContainerCredentialsIdentities>, IContainerCredentialsSource
{
    private readonly ILogger<ContainerCredentialsFileSource> _logger;

    public ContainerCredentialsFileSource(
        string path,
        ILogger<ContainerCredentialsFileSource> logger,
        TimeSpan? pollInterval = null,
        bool watchDirectory = true)
        : base(IdentityConstants.ContainerCredentialsConfigFlag, path, ContainerCredentialsIdentities.Empty, logger, pollInterval, watchDirectory)
    {
        _logger = logger;
    }

    public int Count => Current.Count;

    public bool Contains(string @namespace, string serviceAccount) => Current.Contains(@namespace, serviceAccount);

    public IReadOnlyCollection<(string Namespace, string ServiceAccount)> All() => Current.All();

    protected override ContainerCredentialsIdentities? Load(byte[]? content, out string problem, out Exception? cause)
    {
        (problem, cause) = ("", null);
        try
        {
            return content is null ? ContainerCredentialsIdentities.Empty : ContainerCredentialsIdentities.Parse(content);
        }
        catch (JsonException ex)
        {
            (problem, cause) = ($"is not valid JSON: {ex.Message}", ex);
            return null;
        }
    }

    protected override void OnLoaded(ContainerCredentialsIdentities value, bool fileMissing)
    {
        if (fileMissing)
        {
            LogMissing(_logger, FullPath);
        }
        else
        {
            LogLoaded(_logger, FullPath, value.Count);
        }
    }

    protected override void OnRefused(string problem, Exception? cause, bool fileMissing) => LogParseFailed(_logger, FullPath, Count, cause);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "Loaded {Count} container-credentials identities from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Error,
        Message = "Container-credentials file {Path} does not parse; keeping the {Count} identities loaded before")]
    private static partial void LogParseFailed(ILogger logger, string path, int count, Exception? exception);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Warning, Message = "Container-credentials file {Path} does not exist; no identities")]
    private static partial void LogMissing(ILogger logger, string path);
}
