namespace PodIdentityWebhook.Admission;

/// <summary>The review needs more memory than the <see cref="ReviewMemoryBudget"/> has free now.</summary>
internal sealed class ReviewMemoryExhaustedException(long bytes)
    : Exception($"{bytes} more bytes of review memory are not available now");
