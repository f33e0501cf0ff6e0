using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Explain;

/// <summary>One container: what the webhook added, and for each variable it did not add, why.</summary>
/// <param name="Injected">The variables added.</param>
/// <param name="NotInjected">Variables not added, each with the reason.</param>
/// <param name="Mount">What happened to the token volume's mount, e.g. <c>mounted aws-iam-token</c>.</param>
/// <param name="HasCredentials">
/// After the webhook, the container's credential variables name the pod's role (or the agent).
/// Whether its SDK can use them (the token file it reads) is the credentials-overridden finding.
/// </param>
internal sealed record ContainerReport(
    string Name,
    bool IsInit,
    ContainerOutcome Outcome,
    IReadOnlyList<string> Injected,
    IReadOnlyList<(string Variables, string Reason)> NotInjected,
    string? Mount,
    bool HasCredentials);
