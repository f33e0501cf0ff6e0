using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>Service registrations: identity sources, the mutation core and the admission handler.</summary>
internal static class WebhookServices
{
    public static IServiceCollection AddIdentitySources(
        this IServiceCollection services, WebhookOptions options, AwsAccountInfo? account)
    {
        if (options.ServiceAccountsFile.Length == 0)
        {
            throw new StartupException(
                "no ServiceAccount source: pass --service-accounts-file PATH (watching the Kubernetes API through --kubeconfig or in-cluster configuration is not available in this version)");
        }

        if (options.WatchConfigMap)
        {
            throw new StartupException(
                "--watch-config-map needs the Kubernetes API watch, which is not available in this version");
        }

        services.AddSingleton(sp => new ServiceAccountParser(
            options, sp.GetRequiredService<ILogger<ServiceAccountParser>>(), account));
        services.AddSingleton<ServiceAccountFileSource>(sp => new ServiceAccountFileSource(
            options.ServiceAccountsFile,
            sp.GetRequiredService<ServiceAccountParser>(),
            sp.GetRequiredService<ILogger<ServiceAccountFileSource>>()));
        services.AddSingleton<IServiceAccountSource>(sp => sp.GetRequiredService<ServiceAccountFileSource>());
        services.AddSingleton<IConfigMapSource>(ConfigMapEntries.Empty);

        if (options.WatchContainerCredentialsConfig.Length > 0)
        {
            services.AddSingleton<ContainerCredentialsFileSource>(sp => new ContainerCredentialsFileSource(
                options.WatchContainerCredentialsConfig, sp.GetRequiredService<ILogger<ContainerCredentialsFileSource>>()));
            services.AddSingleton<IContainerCredentialsSource>(sp => sp.GetRequiredService<ContainerCredentialsFileSource>());
        }
        else
        {
            services.AddSingleton<IContainerCredentialsSource>(ContainerCredentialsIdentities.Empty);
        }

        services.AddSingleton<IIdentityResolver, IdentityResolver>();
        return services;
    }

    public static IServiceCollection AddAdmission(this IServiceCollection services, WebhookOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(MutationSettings.From(options));
        services.AddSingleton<IRandomSource>(SharedRandomSource.Instance);
        services.AddSingleton<PodMutator>();
        services.AddSingleton<AdmissionReviewHandler>();
        services.AddSingleton<Readiness>();
        return services;
    }

    /// <summary>Loads the watched files before the listener opens; a bad file stops startup.</summary>
    public static void StartIdentitySources(this IServiceProvider services)
    {
        services.GetService<ServiceAccountFileSource>()?.Start();
        services.GetService<ContainerCredentialsFileSource>()?.Start();
    }
}
