using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// The reference's precedence: the container-credentials file, then a ServiceAccount with a
/// role-arn annotation, then the ConfigMap (<c>ns/sa</c>, then <c>*/sa</c>). Sources that are
/// not configured are passed as their empty forms (<see cref="ConfigMapEntries.Empty"/>,
/// <see cref="ContainerCredentialsIdentities.Empty"/>). With a <paramref name="lookup"/>, a
/// ServiceAccount missing from the cache is waited for (--service-account-lookup-grace-period);
/// a pod left without identity because its ServiceAccount was not found is counted in
/// <paramref name="metrics"/>.
/// </summary>
internal sealed class IdentityResolver(
    WebhookOptions options,
    IServiceAccountSource serviceAccounts,
    IConfigMapSource configMap,
    IContainerCredentialsSource containerCredentials,
    ServiceAccountLookup? lookup = null,
    WebhookMetrics? metrics = null)
{
    private const string ContainerCredentialsSource = "container-credentials file";

    private readonly string _annotationSource = $"ServiceAccount annotation {options.AnnotationPrefix}/{IdentityConstants.RoleArnAnnotation}";
    private readonly string _noRoleSuffix = $" has no {options.AnnotationPrefix}/{IdentityConstants.RoleArnAnnotation} annotation and no ConfigMap entry";

    public ValueTask<IdentityResolution> ResolveAsync(string @namespace, string serviceAccount, CancellationToken cancellationToken)
    {
        var account = serviceAccounts.Find(@namespace, serviceAccount);
        var resolution = Resolve(@namespace, serviceAccount, account);

        // As the reference: a pod the ConfigMap (or the container-credentials file) already
        // answers for does not wait for its ServiceAccount.
        if (resolution is { ServiceAccountFound: false, Identity: null } && lookup is { GracePeriod.Ticks: > 0 })
        {
            return LookUpAsync(@namespace, serviceAccount, cancellationToken);
        }

        return new ValueTask<IdentityResolution>(Count(resolution));
    }

    /// <summary>Resolution given what is known about the ServiceAccount (null when unknown).</summary>
    public IdentityResolution Resolve(string @namespace, string serviceAccount, ServiceAccountIdentity? account)
    {
        var found = account is not null;
        if (containerCredentials.Contains(@namespace, serviceAccount))
        {
            bool regionalSts;
            long expiration;
            if (account is not null)
            {
                (regionalSts, expiration) = (account.UseRegionalSts, account.TokenExpiration);
            }
            else if (configMap.Find(@namespace, serviceAccount, orAnyNamespace: false) is { } entry)
            {
                // The reference looks up only ns/sa here, never the */sa wildcard.
                (regionalSts, expiration) = (entry.UseRegionalSts, entry.TokenExpiration);
            }
            else
            {
                (regionalSts, expiration) = (false, OptionDefaults.TokenExpiration);
            }

            var identity = new PodIdentity(IdentityMode.ContainerCredentials, null, options.ContainerCredentialsAudience,
                regionalSts, expiration, ContainerCredentialsSource);
            return new IdentityResolution(identity, null, found);
        }

        if (account is { RoleArn: { } roleArn })
        {
            var identity = new PodIdentity(IdentityMode.WebIdentity, roleArn, account.Audience, account.UseRegionalSts,
                account.TokenExpiration, _annotationSource);
            return new IdentityResolution(identity, null, true);
        }

        if (configMap.Find(@namespace, serviceAccount) is { RoleArn.Length: > 0 } configEntry)
        {
            // Find falls back to */sa; the entry names the key it came from, read in the same
            // lookup, so a ConfigMap replaced in between cannot mislabel it.
            var identity = new PodIdentity(IdentityMode.WebIdentity, configEntry.RoleArn, configEntry.Audience,
                configEntry.UseRegionalSts, configEntry.TokenExpiration, "ConfigMap entry " + configEntry.Namespace + "/" + serviceAccount);
            return new IdentityResolution(identity, null, found);
        }

        var reason = found
            ? "ServiceAccount " + @namespace + "/" + serviceAccount + _noRoleSuffix
            : "ServiceAccount " + @namespace + "/" + serviceAccount + " not found";
        return new IdentityResolution(null, reason, found);
    }

    private async ValueTask<IdentityResolution> LookUpAsync(string @namespace, string serviceAccount, CancellationToken cancellationToken)
    {
        var account = await lookup!.FindAsync(@namespace, serviceAccount, cancellationToken);
        return Count(Resolve(@namespace, serviceAccount, account));
    }

    private IdentityResolution Count(IdentityResolution resolution)
    {
        if (resolution is { ServiceAccountFound: false, Identity: null })
        {
            metrics?.MissingServiceAccount();
        }

        return resolution;
    }
}
