namespace PodIdentityWebhook.Admission;

/// <summary>A review body read by <see cref="ReviewBodyReader"/>: the bytes, or why there are none.</summary>
internal sealed record ReviewBody(ReviewBodyStatus Status, PooledBufferWriter? Bytes, string? Error) : IDisposable
{
    public static ReviewBody Failed(ReviewBodyStatus status) => new(status, null, null);

    public void Dispose() => Bytes?.Dispose();
}
