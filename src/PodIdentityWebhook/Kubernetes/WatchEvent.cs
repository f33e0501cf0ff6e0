using System.Text.Json;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// One watch event. <see cref="Object"/> is only valid until the enumeration moves on:
/// its buffer is returned then, so project what you need before the next event.
/// </summary>
internal readonly record struct WatchEvent(WatchEventType Type, JsonElement Object);
