namespace PodIdentityWebhook.Explain;

/// <summary>explain's answer for one pod, in three words a script can switch on.</summary>
internal enum ExplainVerdict
{
    /// <summary>The pod gets the role's credentials and nothing explain sees stops them working.</summary>
    Injected,

    /// <summary>
    /// The variables and the token land, but a finding (or the trust policy given) means the SDK
    /// cannot get the role's credentials with them.
    /// </summary>
    InjectedWillNotWork,

    /// <summary>No container gets the role's credentials.</summary>
    NotInjected,
}
