using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Identity;

internal static class TestOptions
{
    public static WebhookOptions Default { get; } = new();
}
