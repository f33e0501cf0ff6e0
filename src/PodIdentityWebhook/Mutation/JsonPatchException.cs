namespace PodIdentityWebhook.Mutation;

/// <summary>A patch that cannot be applied.</summary>
internal sealed class JsonPatchException(string message) : Exception(message);
