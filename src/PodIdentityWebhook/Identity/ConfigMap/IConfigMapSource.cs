namespace PodIdentityWebhook.Identity;

/// <summary>The <c>pod-identity-webhook</c> ConfigMap table (--watch-config-map).</summary>
internal interface IConfigMapSource
{
    bool HasSynced { get; }

    /// <summary>The entry for <c>namespace/name</c>, else (with <paramref name="orAnyNamespace"/>) <c>*/name</c>, else null.</summary>
    ConfigMapEntry? Find(string @namespace, string name, bool orAnyNamespace = true);

    /// <summary>Every entry by its key (<c>*</c> for any namespace), in no particular order.</summary>
    IReadOnlyCollection<KeyValuePair<(string Namespace, string Name), ConfigMapEntry>> All();
}
