using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Tests.Kubernetes;

internal sealed class CountingHandler : IInformerHandler<string>
{
    public int Upserts;
    public int Deletes;

    public void OnUpsert(ObjectKey key, string value) => Interlocked.Increment(ref Upserts);

    public void OnDelete(ObjectKey key, string value) => Interlocked.Increment(ref Deletes);
}
