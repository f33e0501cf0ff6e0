namespace PodIdentityWebhook.Explain;

/// <summary>An explain input that cannot be used; the message says which file and why.</summary>
internal sealed class ExplainInputException(string message) : Exception(message);
