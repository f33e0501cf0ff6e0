using PodIdentityWebhook.Identity;

namespace PodIdentityWebhook.Metrics;

/// <summary>Service registrations for the metrics port; the instruments themselves are <see cref="Hosting.WebhookMetrics"/>.</summary>
internal static class MetricsServices
{
    public static IServiceCollection AddMetricsPort(this IServiceCollection services)
    {
        services.AddSingleton<MetricsListener>();
        services.AddSingleton<MetricsCollector>();
        services.AddSingleton(sp => new CacheDebug(
            sp.GetRequiredService<IServiceAccountSource>(),
            sp.GetRequiredService<IConfigMapSource>(),
            sp.GetRequiredService<IContainerCredentialsSource>(),
            sp.GetService<ServiceAccountCache>(),
            sp.GetService<ServiceAccountFileSource>(),
            sp.GetService<ConfigMapWatch>(),
            sp.GetService<ContainerCredentialsFileSource>()));
        return services;
    }
}
