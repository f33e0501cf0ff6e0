using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// An immutable snapshot of the <c>pod-identity-webhook</c> ConfigMap table, values already
/// defaulted from the flags. <see cref="Empty"/> stands in when --watch-config-map is off.
/// </summary>
internal sealed class ConfigMapEntries : IConfigMapSource
{
    private readonly FrozenDictionary<(string Namespace, string Name), ConfigMapEntry> _entries;

    private ConfigMapEntries(FrozenDictionary<(string, string), ConfigMapEntry> entries, IReadOnlyList<string> skippedKeys)
    {
        _entries = entries;
        SkippedKeys = skippedKeys;
    }

    public static ConfigMapEntries Empty { get; } = new(FrozenDictionary<(string, string), ConfigMapEntry>.Empty, []);

    /// <summary>Keys that are not <c>namespace/name</c> and were skipped, or cut to their first two parts; for a warning.</summary>
    public IReadOnlyList<string> SkippedKeys { get; }

    /// <summary>A snapshot is complete by construction.</summary>
    public bool HasSynced => true;

    public int Count => _entries.Count;

    public ConfigMapEntry? Find(string @namespace, string name, bool orAnyNamespace = true) =>
        _entries.GetValueOrDefault((@namespace, name)) ?? (orAnyNamespace ? _entries.GetValueOrDefault((IdentityConstants.AnyNamespace, name)) : null);

    public IReadOnlyCollection<KeyValuePair<(string Namespace, string Name), ConfigMapEntry>> All() => _entries;

    /// <summary>
    /// Parses the ConfigMap's <c>config</c> value: <c>{"ns/sa": {"RoleARN": …, "Audience": …,
    /// "UseRegionalSTS": …, "TokenExpiration": …}}</c>, keys matched without regard to case.
    /// Null or blank means no entries. False with <paramref name="error"/> when it is not that
    /// JSON; the caller keeps what it had.
    /// </summary>
    public static bool TryParse(
        string? configJson,
        WebhookOptions options,
        [NotNullWhen(true)] out ConfigMapEntries? entries,
        [NotNullWhen(false)] out string? error)
    {
        entries = null;
        error = null;
        if (string.IsNullOrWhiteSpace(configJson))
        {
            entries = Empty;
            return true;
        }

        Dictionary<string, ConfigMapEntryJson?>? table;
        try
        {
            table = JsonSerializer.Deserialize(configJson, IdentityJsonContext.Default.DictionaryStringConfigMapEntryJson);
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }

        if (table is null || table.Count == 0)
        {
            entries = Empty;
            return true;
        }

        var defaultExpiration = Math.Max(options.TokenExpiration, IdentityConstants.MinTokenExpiration);
        var result = new Dictionary<(string, string), ConfigMapEntry>(table.Count);
        var skipped = new List<string>();
        foreach (var (key, value) in table)
        {
            // The reference splits on "/" and uses the first two parts ("ns/b/c" serves ns/b);
            // a key without a "/" would stop it, and is skipped here with a warning.
            var parts = key.Split('/');
            if (parts.Length != 2)
            {
                skipped.Add(key);
            }

            if (value is null || parts.Length < 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                continue;
            }

            var expiration = value.TokenExpiration is null or 0
                ? defaultExpiration
                : Math.Max(value.TokenExpiration.Value, IdentityConstants.MinTokenExpiration);
            result[(parts[0], parts[1])] = new ConfigMapEntry(
                parts[0],
                value.RoleArn ?? "",
                string.IsNullOrEmpty(value.Audience) ? options.TokenAudience : value.Audience,
                value.UseRegionalSts ?? options.StsRegionalEndpoint,
                expiration);
        }

        entries = new ConfigMapEntries(result.ToFrozenDictionary(), skipped);
        return true;
    }
}
