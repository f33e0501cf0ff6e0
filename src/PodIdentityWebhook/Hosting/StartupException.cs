namespace PodIdentityWebhook.Hosting;

/// <summary>Bad configuration found at start: the message names the flag and is printed as is.</summary>
internal sealed class StartupException(string message) : Exception(message);
