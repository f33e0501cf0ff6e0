namespace PodIdentityWebhook.Explain;

/// <summary>Something about the pod or its ServiceAccount that explains, or will cause, missing credentials.</summary>
/// <param name="Code">A stable name for scripts, e.g. <c>annotation-typo</c>.</param>
/// <param name="Fix">What to change, in one line.</param>
/// <param name="BreaksCredentials">
/// The credentials the webhook injects cannot work while this stands (STS or the agent refuses
/// them, or the SDK never reads them). The verdict and the exit code follow this flag, so the
/// rule lives where the finding is made, not in a list of codes elsewhere.
/// </param>
internal sealed record ExplainFinding(string Code, string Message, string Fix, bool BreaksCredentials = false);
