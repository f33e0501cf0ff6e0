using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Files;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Hosting;

/// <summary>Service registrations: identity sources, the mutation core and the admission handler.</summary>
internal static class WebhookServices
{
    public static IServiceCollection AddIdentitySources(
        this IServiceCollection services, WebhookOptions options, AwsAccountInfo? account)
    {
        services.AddSingleton(sp => new ServiceAccountParser(
            options, sp.GetRequiredService<ILogger<ServiceAccountParser>>(), account, sp.GetRequiredService<WebhookMetrics>()));
        services.AddSingleton(sp => sp.GetService<ServingCertificate>() is { } certificate
            ? new WebhookMetrics(() => certificate.Current.NotAfter)
            : new WebhookMetrics());
        if (options.ServiceAccountsFile.Length > 0)
        {
            AddServiceAccountsFile(services, options);
        }
        else
        {
            AddKubernetesApi(services, options);
        }

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

        services.AddSingleton<IdentityResolver>();
        return services;
    }

    private static void AddServiceAccountsFile(IServiceCollection services, WebhookOptions options)
    {
        services.AddSingleton<ServiceAccountFileSource>(sp => new ServiceAccountFileSource(
            options.ServiceAccountsFile,
            sp.GetRequiredService<ServiceAccountParser>(),
            sp.GetRequiredService<ILogger<ServiceAccountFileSource>>(),
            metrics: sp.GetRequiredService<WebhookMetrics>()));
        services.AddSingleton<IServiceAccountSource>(sp => sp.GetRequiredService<ServiceAccountFileSource>());
        services.AddSingleton<IConfigMapSource>(ConfigMapEntries.Empty);
    }

    private static void AddKubernetesApi(IServiceCollection services, WebhookOptions options)
    {
        var api = Connect(options);
        api.PrefetchServiceAccounts(new InformerOptions().List);
        services.AddSingleton<IKubernetesApi>(api);
        if (options.SelfManagedCertificate)
        {
            services.AddSingleton<IJsonObjects>(api);
            services.AddSingleton<SelfManagedCertificateStatus>();
            services.AddHostedService<SelfManagedCertificate>();
        }

        services.AddSingleton<ServiceAccountCache>();
        services.AddSingleton<IServiceAccountSource>(sp => sp.GetRequiredService<ServiceAccountCache>());
        if (options.ServiceAccountLookupGracePeriod > TimeSpan.Zero)
        {
            services.AddSingleton(sp => new ServiceAccountLookup(
                sp.GetRequiredService<ServiceAccountCache>(),
                sp.GetRequiredService<IKubernetesApi>(),
                options.ServiceAccountLookupGracePeriod,
                sp.GetRequiredService<ILogger<ServiceAccountLookup>>()));
        }

        if (options.WatchConfigMap)
        {
            services.AddSingleton<ConfigMapIdentitySource>();
            services.AddSingleton<ConfigMapWatch>();
            services.AddSingleton<IConfigMapSource>(sp => sp.GetRequiredService<ConfigMapWatch>());
        }
        else
        {
            services.AddSingleton<IConfigMapSource>(ConfigMapEntries.Empty);
        }

        services.AddHostedService<KubernetesWatchService>();
    }

    /// <summary>The API client, built now so a bad kubeconfig or certificate stops startup with a message.</summary>
    private static KubernetesApi Connect(WebhookOptions options)
    {
        if (options.Kubeconfig.Length == 0 && options.KubeApi.Length == 0 && !KubernetesConnections.IsInCluster())
        {
            throw new ConfigurationException(
                "no ServiceAccount source: pass --kubeconfig PATH, or --kube-api URL, or run in a pod (in-cluster configuration: "
                + "KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT and /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt}); "
                + "or, without a cluster, --service-accounts-file PATH");
        }

        return KubernetesConnections.Connect(options.Kubeconfig, options.KubeApi);
    }

    public static IServiceCollection AddAdmission(this IServiceCollection services, WebhookOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(MutationSettings.From(options));
        services.AddSingleton<IRandomSource>(SharedRandomSource.Instance);
        services.AddSingleton<PodMutator>();
        services.AddSingleton<AdmissionReviewHandler>();
        services.AddSingleton(new ReviewMemoryBudget(options.ReviewMemoryBudget));
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
