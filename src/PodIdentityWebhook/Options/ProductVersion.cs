using System.Reflection;

namespace PodIdentityWebhook.Options;

/// <summary>
/// The webhook's version as the build stamps it: Directory.Build.props' Version, with the
/// commit after a '+' when built from git ("0.1.0+abc123"). --version prints it, the API client
/// sends it in its User-Agent, and build_info splits it into its labels.
/// </summary>
internal static class ProductVersion
{
    public static string Informational { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ProductVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>The informational version split at '+': "0.1.0+abc123" is version 0.1.0, revision abc123.</summary>
    public static (string Version, string Revision) Split(string informational)
    {
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? (informational, "unknown") : (informational[..plus], informational[(plus + 1)..]);
    }
}
