namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// Told of each change an <see cref="Informer{TObject, T}"/> applies to its cache, after the cache
/// holds it. Calls come one at a time, never concurrently, and must be quick: the watch
/// waits for them. A re-list reports every listed object as an upsert and every vanished
/// one as a delete; a resync reports every cached object as an upsert again.
/// </summary>
internal interface IInformerHandler<in T>
{
    void OnUpsert(ObjectKey key, T value);

    void OnDelete(ObjectKey key, T value);
}
