using System.Text.Json.Nodes;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>
/// The checks of whether injected credentials can work: the token's audience against what STS
/// and the agent accept, and a container's own credential variables against the webhook's.
/// </summary>
internal static partial class ExplainChecks
{
    /// <summary>
    /// The audience AssumeRoleWithWebIdentity accepts on EKS: the one client ID EKS registers for
    /// the cluster's IAM OIDC provider. Not the --token-audience default, though equal to it: this
    /// is what STS checks, whatever the flag says.
    /// </summary>
    private const string StsAudience = "sts.amazonaws.com";

    /// <summary>The only audience the EKS Pod Identity agent accepts.</summary>
    private const string PodIdentityAudience = TrustPolicy.PodIdentityService;

    /// <summary>
    /// A token for another audience is refused: by STS unless the cluster's IAM OIDC provider lists
    /// it as a client ID (EKS lists only sts.amazonaws.com, so on EKS it breaks credentials; a
    /// provider given more client IDs is the exception the message names), by the Pod Identity agent always.
    /// </summary>
    private static void Audience(List<ExplainFinding> findings, PodIdentity identity, string prefix)
    {
        if (identity.Mode == IdentityMode.WebIdentity && identity.Audience != StsAudience)
        {
            findings.Add(new("audience-refused",
                $"the token's audience is \"{identity.Audience}\"; STS refuses AssumeRoleWithWebIdentity for an audience that is not a client ID of the cluster's IAM OIDC provider, and EKS registers only {StsAudience}",
                $"remove the ServiceAccount annotation {prefix}/{IdentityConstants.AudienceAnnotation} (or --token-audience) so the token is for {StsAudience}, or add \"{identity.Audience}\" to the OIDC provider's client IDs",
                BreaksCredentials: true));
        }
        else if (identity.Mode == IdentityMode.ContainerCredentials && identity.Audience != PodIdentityAudience)
        {
            findings.Add(new("audience-refused",
                $"the token's audience is \"{identity.Audience}\"; the EKS Pod Identity agent accepts only {PodIdentityAudience}",
                $"set --container-credentials-audience to {PodIdentityAudience}", BreaksCredentials: true));
        }
    }

    /// <summary>
    /// A container (not skipped) that sets the credential variables itself, to anything but the
    /// webhook's own values: the webhook then adds neither, and its SDK reads another role, another
    /// token file, or no token at all, so the token the webhook mounts is not what it uses.
    /// </summary>
    private static void OverriddenCredentials(List<ExplainFinding> findings, JsonObject pod, PodIdentity identity, MutationResult mutation, WebhookOptions options)
    {
        var credentialVariables = CredentialVariables(identity.Mode);
        foreach (var decision in mutation.Containers.Where(d => d.Outcome != ContainerOutcome.Skipped))
        {
            var env = EnvValues(Container(pod, decision.IsInit, decision.Name));
            var preset = credentialVariables.Where(env.ContainsKey).ToList();
            var (match, note) = OwnCredentials(env, identity, options, mutation.IsWindows);
            if (preset.Count == 0 || match)
            {
                continue;
            }

            var label = decision.IsInit ? $"init container {decision.Name}" : $"container {decision.Name}";
            var expected = identity.Mode == IdentityMode.WebIdentity
                ? $"{PodNames.AwsRoleArnEnv}={identity.RoleArn} and {PodNames.AwsWebIdentityTokenFileEnv}={WebIdentityTokenFile(options, mutation.IsWindows)}"
                : $"{PodNames.AwsContainerCredentialsFullUriEnv}={options.ContainerCredentialsFullUri} and {PodNames.AwsContainerAuthorizationTokenFileEnv}={ContainerCredentialsTokenFile(options, mutation.IsWindows)}";
            findings.Add(new("credentials-overridden",
                $"{label} sets {string.Join(", ", preset)} itself, so the webhook adds neither and its SDK does not use the injected token{(note.Length > 0 ? ": " + note[2..] : "")}",
                $"remove {string.Join(", ", preset)} from {label}, or set {expected}", BreaksCredentials: true));
        }
    }

    private static string WebIdentityTokenFile(WebhookOptions options, bool isWindows) =>
        PodMutator.TokenFilePath(options.TokenMountPath, PodNames.WebIdentityTokenPath, isWindows);

    private static string ContainerCredentialsTokenFile(WebhookOptions options, bool isWindows) =>
        PodMutator.TokenFilePath(options.ContainerCredentialsTokenMountPath, options.ContainerCredentialsTokenPath, isWindows);

    /// <summary>
    /// Whether the credential variables a container sets itself are the webhook's own (a pod
    /// mutated before, or written to match): both of them, the token file included, since the
    /// webhook adds neither once one is set and the SDK reads the file the variable names. The
    /// note says what they are otherwise.
    /// </summary>
    private static (bool Match, string Note) OwnCredentials(Dictionary<string, string?> env, PodIdentity identity, WebhookOptions options, bool isWindows)
    {
        if (identity.Mode == IdentityMode.WebIdentity)
        {
            if (!env.TryGetValue(PodNames.AwsRoleArnEnv, out var roleArn))
            {
                return env.ContainsKey(PodNames.AwsWebIdentityTokenFileEnv)
                    ? (false, $"; without {PodNames.AwsRoleArnEnv} the SDK does not use the web identity token")
                    : (false, "");
            }

            if (roleArn != identity.RoleArn)
            {
                return (false, $"; its {PodNames.AwsRoleArnEnv} is {roleArn ?? "taken from a reference"}, not the ServiceAccount's {identity.RoleArn}, and that role is the one used");
            }

            return TokenFile(env, PodNames.AwsWebIdentityTokenFileEnv, WebIdentityTokenFile(options, isWindows)) is { } tokenNote
                ? (false, tokenNote)
                : (true, "; they name the ServiceAccount's role and the injected token");
        }

        if (!env.TryGetValue(PodNames.AwsContainerCredentialsFullUriEnv, out var uri) || uri != options.ContainerCredentialsFullUri)
        {
            return (false, env.ContainsKey(PodNames.AwsContainerCredentialsFullUriEnv)
                ? $"; its {PodNames.AwsContainerCredentialsFullUriEnv} is {uri ?? "taken from a reference"}, not the agent's {options.ContainerCredentialsFullUri}"
                : "");
        }

        return TokenFile(env, PodNames.AwsContainerAuthorizationTokenFileEnv, ContainerCredentialsTokenFile(options, isWindows)) is { } note
            ? (false, note)
            : (true, "; they point at the EKS Pod Identity agent");
    }

    /// <summary>
    /// The container's own variables name the pod's role (or the agent): it has the pod's
    /// credentials, even when a token file it names keeps them from working. That case is
    /// "injected, will not work" (credentials-overridden), not "no credentials injected".
    /// </summary>
    private static bool NamesPodRole(Dictionary<string, string?> env, PodIdentity identity, WebhookOptions options) =>
        identity.Mode == IdentityMode.WebIdentity
            ? env.TryGetValue(PodNames.AwsRoleArnEnv, out var roleArn) && roleArn == identity.RoleArn
            : env.TryGetValue(PodNames.AwsContainerCredentialsFullUriEnv, out var uri) && uri == options.ContainerCredentialsFullUri;

    /// <summary>Why the container's token file variable is not the injected token; null when it is.</summary>
    private static string? TokenFile(Dictionary<string, string?> env, string variable, string injected) =>
        !env.TryGetValue(variable, out var path) ? $"; without {variable} the SDK reads no token, and the webhook does not add it"
        : path != injected ? $"; its {variable} is {path ?? "taken from a reference"}, not the injected token {injected}"
        : null;

    /// <summary>The two variables through which a container's SDK finds the identity of this mode.</summary>
    private static string[] CredentialVariables(IdentityMode mode) =>
        mode == IdentityMode.WebIdentity
            ? [PodNames.AwsRoleArnEnv, PodNames.AwsWebIdentityTokenFileEnv]
            : [PodNames.AwsContainerCredentialsFullUriEnv, PodNames.AwsContainerAuthorizationTokenFileEnv];
}
