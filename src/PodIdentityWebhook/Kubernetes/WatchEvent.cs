namespace PodIdentityWebhook.Kubernetes;

/// <summary>One watch event; a bookmark's object carries only its resourceVersion.</summary>
internal readonly record struct WatchEvent<TObject>(WatchEventType Type, TObject Object);
