namespace PodIdentityWebhook.Identity;

/// <summary>The <c>pod-identity-webhook</c> ConfigMap table (--watch-config-map).</summary>
internal interface IConfigMapSource
{
    bool HasSynced { get; }

    /// <summary>The entry for <c>namespace/name</c>, else <c>*/name</c>, else null.</summary>
    ConfigMapEntry? Find(string @namespace, string name);
}
