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

        return null;
    }

    /// <summary>Throws <see cref="ConfigurationException"/> with <see cref="Problem"/>, if any.</summary>
    public static void Validate(WebhookOptions options)
    {
        if (Problem(options) is { } problem)
        {
            throw new ConfigurationException(problem);
        }
    }

    /// <summary>The address --bind-address names (every interface when empty), or null when it names none.</summary>
    public static IPAddress? BindAddress(string bindAddress) => bindAddress switch
    {
        "" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(bindAddress, out var address) ? address : null,
    };
}
