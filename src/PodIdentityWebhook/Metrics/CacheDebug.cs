using System.Text.Json;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Metrics;

/// <summary>
/// <c>/debug/alpha/cache</c> (the reference's shape), <c>/debug/alpha/cache/details</c> and
/// <c>/debug/alpha/cache/clear</c> (--enable-debugging-handlers): what each identity source
/// holds, as JSON, and a way to drop it and read it again. The dumps hold what the cache keeps
/// (names, role ARNs, audiences, flags), never a token.
/// </summary>
internal sealed class CacheDebug(
    IServiceAccountSource serviceAccounts,
    IConfigMapSource configMap,
    IContainerCredentialsSource containerCredentials,
    ServiceAccountCache? apiCache = null,
    ServiceAccountFileSource? serviceAccountsFile = null,
    ConfigMapWatch? configMapWatch = null,
    ContainerCredentialsFileSource? containerCredentialsFile = null)
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public byte[] Dump()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            json.WriteStartObject();
            WriteServiceAccounts(json);
            WriteConfigMap(json);
            WriteContainerCredentials(json);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>
    /// The reference's <c>/debug/alpha/cache</c>: every cached ServiceAccount by
    /// <c>namespace/name</c> with <c>RoleARN</c>, <c>Audience</c>, <c>UseRegionalSTS</c> and
    /// <c>TokenExpiration</c>, so scripts written against it keep working.
    /// </summary>
    public byte[] DumpLikeReference()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var account in serviceAccounts.All().OrderBy(a => a.Namespace, StringComparer.Ordinal).ThenBy(a => a.Name, StringComparer.Ordinal))
            {
                json.WriteStartObject(account.Namespace + "/" + account.Name);
                json.WriteString("RoleARN", account.RoleArn ?? "");
                json.WriteString("Audience", account.Audience);
                json.WriteBoolean("UseRegionalSTS", account.UseRegionalSts);
                json.WriteNumber("TokenExpiration", account.TokenExpiration);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Drops the cached ServiceAccounts and ConfigMap entries and reads them again: a re-list
    /// from the API, a re-read of the files. Returns what was done, for the answer.
    /// </summary>
    public string Clear()
    {
        apiCache?.Clear();
        configMapWatch?.Clear();
        serviceAccountsFile?.Reload();
        containerCredentialsFile?.Reload();
        return apiCache is not null
            ? "ServiceAccount cache cleared; listing again\n"
            : "ServiceAccounts file is being read again\n";
    }

    private void WriteServiceAccounts(Utf8JsonWriter json)
    {
        var accounts = serviceAccounts.All()
            .OrderBy(a => a.Namespace, StringComparer.Ordinal)
            .ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToList();
        json.WriteStartObject("serviceAccounts");
        json.WriteString("source", apiCache is not null ? "api" : serviceAccountsFile is not null ? "file" : "fixed");
        json.WriteBoolean("synced", serviceAccounts.HasSynced);
        json.WriteNumber("count", accounts.Count);
        json.WriteStartArray("items");
        foreach (var account in accounts)
        {
            json.WriteStartObject();
            json.WriteString("namespace", account.Namespace);
            json.WriteString("name", account.Name);
            json.WriteString("roleArn", account.RoleArn);
            json.WriteString("audience", account.Audience);
            json.WriteBoolean("useRegionalSts", account.UseRegionalSts);
            json.WriteNumber("tokenExpiration", account.TokenExpiration);
            json.WriteString("resourceVersion", account.ResourceVersion);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteConfigMap(Utf8JsonWriter json)
    {
        var entries = configMap.All()
            .OrderBy(e => e.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Name, StringComparer.Ordinal)
            .ToList();
        json.WriteStartObject("configMap");
        json.WriteBoolean("watched", configMapWatch is not null);
        json.WriteBoolean("synced", configMap.HasSynced);
        json.WriteNumber("count", entries.Count);
        json.WriteStartArray("items");
        foreach (var ((ns, name), entry) in entries)
        {
            json.WriteStartObject();
            json.WriteString("key", ns + "/" + name);
            json.WriteString("roleArn", entry.RoleArn);
            json.WriteString("audience", entry.Audience);
            json.WriteBoolean("useRegionalSts", entry.UseRegionalSts);
            json.WriteNumber("tokenExpiration", entry.TokenExpiration);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteContainerCredentials(Utf8JsonWriter json)
    {
        var identities = containerCredentials.All()
            .OrderBy(i => i.Namespace, StringComparer.Ordinal)
            .ThenBy(i => i.ServiceAccount, StringComparer.Ordinal)
            .ToList();
        json.WriteStartObject("containerCredentials");
        json.WriteBoolean("watched", containerCredentialsFile is not null);
        json.WriteNumber("count", identities.Count);
        json.WriteStartArray("items");
        foreach (var (ns, serviceAccount) in identities)
        {
            json.WriteStartObject();
            json.WriteString("namespace", ns);
            json.WriteString("serviceAccount", serviceAccount);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
