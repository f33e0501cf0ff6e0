namespace PodIdentityWebhook.Identity;

/// <summary>
/// Where ServiceAccounts come from: a local file today, the API watch cache later.
/// Lookups are synchronous and allocation-free; they sit on the admission hot path.
/// </summary>
internal interface IServiceAccountSource
{
    /// <summary>True once the first full load (file read or list) has completed.</summary>
    bool HasSynced { get; }

    /// <summary>The ServiceAccount, or null when it is not known.</summary>
    ServiceAccountIdentity? Find(string @namespace, string name);
}
