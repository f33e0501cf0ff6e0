using System.Collections.Frozen;
using PodIdentityWebhook.Options;

using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// [beyond] ServiceAccounts from a local YAML or JSON file (--service-accounts-file) instead
/// of the API, reloaded when the file changes. A version that does not parse keeps the last
/// good set. Lookups read one immutable snapshot, swapped whole on reload.
/// </summary>
internal sealed partial class ServiceAccountFileSource : IServiceAccountSource, IDisposable
{
    private readonly ServiceAccountParser _parser;
    private readonly ILogger<ServiceAccountFileSource> _logger;
    private readonly WatchedFile _file;
    private readonly WebhookMetrics? _metrics;
    private FrozenDictionary<(string Namespace, string Name), ServiceAccountIdentity> _accounts =
        FrozenDictionary<(string, string), ServiceAccountIdentity>.Empty;
    private long _version;
    private long _failedReloads;

    public ServiceAccountFileSource(
        string path,
        ServiceAccountParser parser,
        ILogger<ServiceAccountFileSource> logger,
        TimeSpan? pollInterval = null,
        WebhookMetrics? metrics = null)
    {
        _parser = parser;
        _metrics = metrics;
        _logger = logger;
        _file = new WatchedFile(path, OnChange, logger, pollInterval);
    }

    public bool HasSynced => Volatile.Read(ref _version) > 0;

    /// <summary>Number of successful loads; goes up on every reload that took effect.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>Number of reloads refused because the file was missing or did not parse.</summary>
    public long FailedReloads => Volatile.Read(ref _failedReloads);

    /// <summary>How many ServiceAccounts the current snapshot holds.</summary>
    public int Count => Volatile.Read(ref _accounts).Count;

    /// <summary>
    /// Loads the file and starts following it. Throws <see cref="ConfigurationException"/>
    /// naming the flag when the file is missing or does not parse.
    /// </summary>
    public void Start() => _file.Start();

    public ServiceAccountIdentity? Find(string @namespace, string name) =>
        Volatile.Read(ref _accounts).GetValueOrDefault((@namespace, name));

    public IReadOnlyCollection<ServiceAccountIdentity> All() => Volatile.Read(ref _accounts).Values;

    /// <summary>Reads the file again soon, even if it looks unchanged; the current set serves meanwhile.</summary>
    public void Reload() => _file.Reload();

    public void Dispose() => _file.Dispose();

    private void OnChange(byte[]? content)
    {
        var starting = Version == 0;
        if (content is null)
        {
            if (starting)
            {
                throw new ConfigurationException(
                    $"{IdentityConstants.ServiceAccountsFileFlag}: file {_file.FullPath} does not exist");
            }

            Interlocked.Increment(ref _failedReloads);
            LogFileMissing(_logger, _file.FullPath, Count);
            return;
        }

        FrozenDictionary<(string, string), ServiceAccountIdentity> accounts;
        try
        {
            accounts = ServiceAccountFileParser.Parse(content, _parser);
        }
        catch (Exception ex)
        {
            if (starting)
            {
                throw new ConfigurationException(
                    $"{IdentityConstants.ServiceAccountsFileFlag}: file {_file.FullPath} is not valid YAML or JSON: {ex.Message}", ex);
            }

            Interlocked.Increment(ref _failedReloads);
            LogParseFailed(_logger, _file.FullPath, Count, ex);
            return;
        }

        Volatile.Write(ref _accounts, accounts);
        Interlocked.Increment(ref _version);
        _metrics?.ServiceAccountsSynced();
        LogLoaded(_logger, _file.FullPath, accounts.Count);
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Loaded {Count} ServiceAccounts from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error,
        Message = "ServiceAccounts file {Path} does not parse; keeping the {Count} ServiceAccounts loaded before")]
    private static partial void LogParseFailed(ILogger logger, string path, int count, Exception exception);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Error,
        Message = "ServiceAccounts file {Path} is gone; keeping the {Count} ServiceAccounts loaded before")]
    private static partial void LogFileMissing(ILogger logger, string path, int count);
}
