namespace PodIdentityWebhook.Identity;

/// <summary>
/// An identity source could not start (missing file, unreadable configuration, no instance
/// metadata). The message names the flag, so startup can print it as is and exit.
/// </summary>
internal sealed class IdentitySourceException : Exception
{
    public IdentitySourceException(string message)
        : base(message)
    {
    }

    public IdentitySourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
