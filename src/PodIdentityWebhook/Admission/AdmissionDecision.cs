using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Admission;

/// <summary>What the webhook decided for one pod: the facts a log line and the metrics need.</summary>
/// <param name="PodName">metadata.name, or generateName when the name is not set yet.</param>
/// <param name="Identity">Null when the pod gets nothing.</param>
/// <param name="Mutation">Null when nothing was attempted.</param>
/// <param name="Reason">Why nothing was mutated, when nothing was.</param>
internal sealed record AdmissionDecision(
    string Namespace,
    string PodName,
    string ServiceAccount,
    PodIdentity? Identity,
    MutationResult? Mutation,
    string? Reason);
