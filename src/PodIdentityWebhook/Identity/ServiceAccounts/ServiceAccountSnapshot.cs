using System.Collections.Frozen;

namespace PodIdentityWebhook.Identity;

/// <summary>A fixed set of ServiceAccounts, for one-shot use (the explain command, tests).</summary>
internal sealed class ServiceAccountSnapshot(IEnumerable<ServiceAccountIdentity> accounts) : IServiceAccountSource
{
    private readonly FrozenDictionary<(string Namespace, string Name), ServiceAccountIdentity> _accounts =
        accounts.GroupBy(a => (a.Namespace, a.Name)).ToFrozenDictionary(g => g.Key, g => g.Last());

    public bool HasSynced => true;

    public int Count => _accounts.Count;

    public ServiceAccountIdentity? Find(string @namespace, string name) => _accounts.GetValueOrDefault((@namespace, name));

    public IReadOnlyCollection<ServiceAccountIdentity> All() => _accounts.Values;
}
