using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>Parses an API server URL from kubeconfig or --kube-api, the way client-go accepts it.</summary>
internal static class ServerUrl
{
    public static Uri Parse(string value, string where)
    {
        // client-go takes "host:port" without a scheme as https.
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ConfigurationException($"{where} \"{value}\" is not an http or https URL");
        }

        return uri;
    }
}
