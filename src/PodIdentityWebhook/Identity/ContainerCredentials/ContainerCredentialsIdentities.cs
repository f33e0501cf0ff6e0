using System.Collections.Frozen;
using System.Text.Json;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// An immutable set of (namespace, ServiceAccount) pairs that get container credentials.
/// <see cref="Empty"/> stands in when --watch-container-credentials-config is not set.
/// </summary>
internal sealed class ContainerCredentialsIdentities : IContainerCredentialsSource
{
    private readonly FrozenSet<(string Namespace, string ServiceAccount)> _identities;

    private ContainerCredentialsIdentities(FrozenSet<(string, string)> identities) => _identities = identities;

    public static ContainerCredentialsIdentities Empty { get; } = new(FrozenSet<(string, string)>.Empty);

    public int Count => _identities.Count;

    public bool Contains(string @namespace, string serviceAccount) => _identities.Contains((@namespace, serviceAccount));

    public IReadOnlyCollection<(string Namespace, string ServiceAccount)> All() => _identities;

    /// <summary>
    /// Parses the file content. Empty or blank content means no identities; anything else
    /// that is not the expected JSON throws <see cref="JsonException"/>.
    /// </summary>
    public static ContainerCredentialsIdentities Parse(ReadOnlySpan<byte> content)
    {
        if (IsBlank(content))
        {
            return Empty;
        }

        var file = JsonSerializer.Deserialize(content, IdentityJsonContext.Default.ContainerCredentialsFileJson);
        if (file?.Identities is not { Count: > 0 } identities)
        {
            return Empty;
        }

        var set = new HashSet<(string, string)>();
        foreach (var identity in identities)
        {
            if (identity is { Namespace: { Length: > 0 } ns, ServiceAccount: { Length: > 0 } sa })
            {
                set.Add((ns, sa));
            }
        }

        return new ContainerCredentialsIdentities(set.ToFrozenSet());
    }

    private static bool IsBlank(ReadOnlySpan<byte> content)
    {
        foreach (var b in content)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
