namespace PodIdentityWebhook.Mutation;

/// <summary>The pod JSON has a field of the wrong type where the webhook must write.</summary>
internal sealed class PodShapeException(string message) : Exception(message);
