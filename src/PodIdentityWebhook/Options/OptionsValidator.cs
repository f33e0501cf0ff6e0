using System.Net;

namespace PodIdentityWebhook.Options;

/// <summary>
/// The checks on options as a whole: values each flag accepts on its own but that cannot work
/// together or here. Run once the flags are parsed, before anything starts, for the server and
/// for <c>explain</c> alike (both parse with <see cref="FlagParser"/>); the host runs it again on
/// options built in code. Each message names the flags involved.
/// </summary>
internal static class OptionsValidator
{
    /// <summary>Large reviews share a quarter of the budget, and the largest must fit in it.</summary>
    public const int MinBudgetPerReview = 4;

    private const string InClusterProblem =
        "--in-cluster=true is not supported: the reference's in-cluster mode gets its serving certificate " +
        "through the CertificateSigningRequest API with a signer that current Kubernetes no longer issues. " +
        "Mount a certificate (for example from cert-manager) and pass --tls-cert and --tls-key instead, " +
        "leaving --in-cluster unset or false.";

    /// <summary>The first reason <paramref name="options"/> cannot work, or null.</summary>
    public static string? Problem(WebhookOptions options)
    {
        if (options.InCluster)
        {
            return InClusterProblem;
        }

        if (options.ReviewMemoryBudget < MinBudgetPerReview * options.MaxReviewBytes)
        {
            return $"--review-memory-budget ({options.ReviewMemoryBudget}) must be at least {MinBudgetPerReview} times --max-review-bytes ({options.MaxReviewBytes}): "
                + "large reviews share a quarter of the budget, and the largest must fit in it";
        }

        if (options.MetricsPort != 0 && options.MetricsPort == options.Port)
        {
            return $"--metrics-port: {options.MetricsPort} is also --port; the metrics server needs a port of its own";
        }

        if (BindAddress(options.BindAddress) is null)
        {
            return $"--bind-address: \"{options.BindAddress}\" is not an IP address";
        }

        if (options.WatchConfigMap && options.ServiceAccountsFile.Length > 0)
        {
            return "--watch-config-map reads the ConfigMap from the Kubernetes API, and --service-accounts-file replaces the API: use one or the other";
        }

        return options.SelfManagedCertificate ? SelfManagedProblem(options) : null;
    }

    /// <summary>Throws <see cref="ConfigurationException"/> with <see cref="Problem"/>, if any.</summary>
    public static void Validate(WebhookOptions options)
    {
        if (Problem(options) is { } problem)
        {
            throw new ConfigurationException(problem);
        }
    }

    private static string? SelfManagedProblem(WebhookOptions options)
    {
        var defaults = new WebhookOptions();
        if (options.ServiceAccountsFile.Length > 0)
        {
            return "--self-managed-certificate keeps its certificate in a Secret through the Kubernetes API, and --service-accounts-file replaces the API: use one or the other";
        }

        if (options.SelfSignedCert)
        {
            return "--self-managed-certificate and --self-signed-cert both choose the serving certificate: use one or the other";
        }

        if (options.TlsCert != defaults.TlsCert || options.TlsKey != defaults.TlsKey)
        {
            return "--self-managed-certificate issues the serving certificate itself, so --tls-cert and --tls-key must not be given";
        }

        if (options.Namespace.Length == 0 || options.ServiceName.Length == 0 || options.TlsSecret.Length == 0 || options.WebhookConfigurationName.Length == 0)
        {
            return "--self-managed-certificate needs --namespace, --service-name, --tls-secret and --webhook-configuration-name to be non-empty";
        }

        if (options.SelfManagedCertificateSyncPeriod <= TimeSpan.Zero)
        {
            return "--self-managed-certificate-sync-period must be positive";
        }

        if (options.SelfManagedCertificateCaOverlap < TimeSpan.Zero || options.SelfManagedCertificateCaOverlap >= options.SelfManagedCaRenewBefore)
        {
            return "--self-managed-certificate-ca-overlap must be at least 0 and shorter than the CA's renewal window (90 days)";
        }

        return null;
    }

    /// <summary>The address --bind-address names (every interface when empty), or null when it names none.</summary>
    public static IPAddress? BindAddress(string bindAddress) => bindAddress switch
    {
        "" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(bindAddress, out var address) ? address : null,
    };
}
