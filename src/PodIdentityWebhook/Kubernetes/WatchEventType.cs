namespace PodIdentityWebhook.Kubernetes;

/// <summary>The watch event types a caller sees; ERROR events become <see cref="KubernetesApiException"/>.</summary>
internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}
