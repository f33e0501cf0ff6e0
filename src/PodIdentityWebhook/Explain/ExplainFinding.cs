namespace PodIdentityWebhook.Explain;

/// <summary>Something about the pod or its ServiceAccount that explains, or will cause, missing credentials.</summary>
/// <param name="Code">A stable name for scripts, e.g. <c>annotation-typo</c>.</param>
/// <param name="Fix">What to change, in one line.</param>
internal sealed record ExplainFinding(string Code, string Message, string Fix);
