using System.Collections.Frozen;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Files;

/// <summary>
/// [beyond] ServiceAccounts from a local YAML or JSON file (--service-accounts-file) instead
/// of the API, reloaded when the file changes. A version that does not parse, or a file that
/// is gone, keeps the last good set. Lookups read one immutable snapshot, swapped whole on reload.
/// </summary>
internal sealed partial class ServiceAccountFileSource
    : ReloadedFile<FrozenDictionary<(string Namespace, string Name), ServiceAccountIdentity>>, IServiceAccountSource
{
    private readonly ServiceAccountParser _parser;
    private readonly ILogger<ServiceAccountFileSource> _logger;
    private readonly WebhookMetrics? _metrics;

    public ServiceAccountFileSource(
        string path,
        ServiceAccountParser parser,
        ILogger<ServiceAccountFileSource> logger,
        TimeSpan? pollInterval = null,
        WebhookMetrics? metrics = null)
        : base(IdentityConstants.ServiceAccountsFileFlag, path, FrozenDictionary<(string, string), ServiceAccountIdentity>.Empty, logger, pollInterval)
    {
        _parser = parser;
        _metrics = metrics;
        _logger = logger;
    }

    public bool HasSynced => Version > 0;

    /// <summary>How many ServiceAccounts the current snapshot holds.</summary>
    public int Count => Current.Count;

    public ServiceAccountIdentity? Find(string @namespace, string name) => Current.GetValueOrDefault((@namespace, name));

    public IReadOnlyCollection<ServiceAccountIdentity> All() => Current.Values;

    protected override FrozenDictionary<(string Namespace, string Name), ServiceAccountIdentity>? Load(
        byte[]? content, out string problem, out Exception? cause)
    {
        (problem, cause) = ("does not exist", null);
        if (content is null)
        {
            return null;
        }

        try
        {
            return ServiceAccountFileParser.Parse(content, _parser);
        }
        catch (Exception ex)
        {
            (problem, cause) = ($"is not valid YAML or JSON: {ex.Message}", ex);
            return null;
        }
    }

    protected override void OnLoaded(FrozenDictionary<(string Namespace, string Name), ServiceAccountIdentity> value, bool fileMissing)
    {
        _metrics?.ServiceAccounts.Synced();
        LogLoaded(_logger, FullPath, value.Count);
    }

    protected override void OnRefused(string problem, Exception? cause, bool fileMissing)
    {
        if (fileMissing)
        {
            LogFileMissing(_logger, FullPath, Count);
        }
        else
        {
            LogParseFailed(_logger, FullPath, Count, cause);
        }
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Loaded {Count} ServiceAccounts from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error,
        Message = "ServiceAccounts file {Path} does not parse; keeping the {Count} ServiceAccounts loaded before")]
    private static partial void LogParseFailed(ILogger logger, string path, int count, Exception? exception);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Error,
        Message = "ServiceAccounts file {Path} is gone; keeping the {Count} ServiceAccounts loaded before")]
    private static partial void LogFileMissing(ILogger logger, string path, int count);
}
