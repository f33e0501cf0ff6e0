using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PodIdentityWebhook.Tests.Support;

/// <summary>The two listeners of a started webhook host: the TLS webhook port and the plain-HTTP metrics port.</summary>
internal static class ServerAddresses
{
    public static Uri Webhook(WebApplication app) => new(Assert.Single(All(app), a => a.StartsWith("https://", StringComparison.Ordinal)));

    public static Uri Metrics(WebApplication app) => new(Assert.Single(All(app), a => a.StartsWith("http://", StringComparison.Ordinal)));

    private static ICollection<string> All(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
}
