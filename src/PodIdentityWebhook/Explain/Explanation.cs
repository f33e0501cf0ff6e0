using System.Text.Json.Nodes;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Explain;

/// <summary>Everything the explain command found out about one pod.</summary>
/// <param name="Mutation">Null when no identity applies.</param>
/// <param name="Pod">The pod after the patch (the input when nothing changes).</param>
internal sealed record Explanation(ExplainInputs Inputs, IdentityResolution Resolution, MutationResult? Mutation, JsonNode Pod);
