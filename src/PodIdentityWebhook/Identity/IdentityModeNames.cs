namespace PodIdentityWebhook.Identity;

/// <summary>
/// The reference's names for how a pod gets credentials: the <c>method</c> label of
/// <c>pod_identity_webhook_pod_count</c> and the <c>Mode</c> of the decision log line.
/// </summary>
internal static class IdentityModeNames
{
    public const string WebIdentity = "sts_web_identity";
    public const string ContainerCredentials = "container_credentials";

    /// <summary>A pod that gets no credentials (log lines only).</summary>
    public const string None = "none";

    public static string Of(IdentityMode mode) => mode == IdentityMode.ContainerCredentials ? ContainerCredentials : WebIdentity;

    public static string Of(PodIdentity? identity) => identity is null ? None : Of(identity.Mode);
}
