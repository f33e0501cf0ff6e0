using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// The live ConfigMap table (--watch-config-map). The ConfigMap watch calls
/// <see cref="Update"/> with each version of the <c>config</c> value; lookups read the
/// current immutable snapshot.
/// </summary>
internal sealed partial class ConfigMapIdentitySource(WebhookOptions options, ILogger<ConfigMapIdentitySource> logger) : IConfigMapSource
{
    private ConfigMapEntries _entries = ConfigMapEntries.Empty;
    private long _version;

    /// <summary>True once the ConfigMap has been seen (or seen to be absent).</summary>
    public bool HasSynced => Volatile.Read(ref _version) > 0;

    /// <summary>Number of versions that took effect.</summary>
    public long Version => Volatile.Read(ref _version);

    public int Count => Volatile.Read(ref _entries).Count;

    public ConfigMapEntry? Find(string @namespace, string name, bool orAnyNamespace = true) => Volatile.Read(ref _entries).Find(@namespace, name, orAnyNamespace);

    public IReadOnlyCollection<KeyValuePair<(string Namespace, string Name), ConfigMapEntry>> All() => Volatile.Read(ref _entries).All();

    /// <summary>
    /// Applies a new <c>config</c> value; null means the ConfigMap (or its key) is gone, so no
    /// entries apply. A value that does not parse is logged and the previous table kept.
    /// </summary>
    /// <returns>Whether the new value took effect.</returns>
    public bool Update(string? configJson)
    {
        if (!ConfigMapEntries.TryParse(configJson, options, out var entries, out var error))
        {
            LogParseFailed(logger, IdentityConstants.ConfigMapName, IdentityConstants.ConfigMapKey, error, Count);
            return false;
        }

        Volatile.Write(ref _entries, entries);
        Interlocked.Increment(ref _version);
        LogUpdated(logger, IdentityConstants.ConfigMapName, entries.Count);
        foreach (var key in entries.SkippedKeys.Take(20))
        {
            LogMalformedKey(logger, IdentityConstants.ConfigMapName, key);
        }
        return true;
    }

    [LoggerMessage(EventId = 3042, Level = LogLevel.Warning,
        Message = "ConfigMap {ConfigMap} key \"{Key}\" is not namespace/serviceaccount: with more than one \"/\" its first two parts are used, without one it is skipped")]
    private static partial void LogMalformedKey(ILogger logger, string configMap, string key);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "ConfigMap {ConfigMap} now holds {Count} identities")]
    private static partial void LogUpdated(ILogger logger, string configMap, int count);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Error,
        Message = "ConfigMap {ConfigMap} key {Key} is not valid JSON ({Error}); keeping the {Count} identities loaded before")]
    private static partial void LogParseFailed(ILogger logger, string configMap, string key, string error, int count);
}
