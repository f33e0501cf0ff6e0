namespace PodIdentityWebhook.Identity;

/// <summary>
/// Where ServiceAccounts come from: the API watch cache (<see cref="ServiceAccountCache"/>) or
/// a local file. Lookups are synchronous and cheap (no I/O, no locks); they sit on the
/// admission hot path. A miss may then be looked up with <see cref="ServiceAccountLookup"/>.
/// </summary>
internal interface IServiceAccountSource
{
    /// <summary>True once the first full load (file read or list) has completed.</summary>
    bool HasSynced { get; }

    /// <summary>How many ServiceAccounts are known now.</summary>
    int Count { get; }

    /// <summary>The ServiceAccount, or null when it is not known.</summary>
    ServiceAccountIdentity? Find(string @namespace, string name);

    /// <summary>Every known ServiceAccount, in no particular order (the debug cache dump).</summary>
    IReadOnlyCollection<ServiceAccountIdentity> All();
}
