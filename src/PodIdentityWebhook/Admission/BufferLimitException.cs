namespace PodIdentityWebhook.Admission;

/// <summary>A <see cref="PooledBufferWriter"/> was asked to hold more than its limit.</summary>
internal sealed class BufferLimitException(long limit)
    : Exception($"more than {limit} bytes");
