using Microsoft.AspNetCore.Server.Kestrel.Core;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// Kestrel's limits, set so that what Kestrel itself buffers stays small per connection and
/// the number of connections and streams is bounded; the bytes a review holds are governed by
/// the review memory budget above it (see <c>Admission/ReviewMemoryBudget</c>).
/// </summary>
internal static class KestrelLimits
{
    public static void Apply(KestrelServerLimits limits, WebhookOptions options)
    {
        limits.MaxConcurrentConnections = KestrelLimits.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        // The review body reader enforces the exact cap; Kestrel's chunked decoder counts bytes
        // it has read ahead and refuses a body of exactly the cap, so its limit gets slack.
        limits.MaxRequestBodySize = options.MaxReviewBytes + KestrelLimits.RequestBufferBytes;
        limits.MaxRequestBufferSize = KestrelLimits.RequestBufferBytes;
        limits.RequestHeadersTimeout = KestrelLimits.RequestHeadersTimeout;

        // Averages since the body began, so a second line of defence only: the review body
        // reader drops a peer that stalls for seconds whatever its average.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));

        limits.Http2.MaxStreamsPerConnection = KestrelLimits.MaxStreamsPerConnection;
        limits.Http2.InitialConnectionWindowSize = KestrelLimits.Http2ConnectionWindowBytes;
        limits.Http2.InitialStreamWindowSize = KestrelLimits.Http2StreamWindowBytes;
    }

    /// <summary>Open connections at once, both ports together; more are closed on accept.</summary>
    public const int MaxConnections = 1024;

    /// <summary>Concurrent HTTP/2 streams per connection (Go's client opens another connection past it).</summary>
    public const int MaxStreamsPerConnection = 32;

    /// <summary>HTTP/2 flow-control windows: what a peer may send before the webhook reads it.</summary>
    public const int Http2ConnectionWindowBytes = 256 * 1024;

    public const int Http2StreamWindowBytes = 128 * 1024;

    /// <summary>Unread bytes Kestrel buffers per HTTP/1.1 connection before it stops reading the socket.</summary>
    public const int RequestBufferBytes = 64 * 1024;

    /// <summary>All request headers must arrive within this.</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);
}
