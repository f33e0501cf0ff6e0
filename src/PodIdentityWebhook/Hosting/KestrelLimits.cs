using Microsoft.AspNetCore.Server.Kestrel.Core;
using PodIdentityWebhook.Mutation;
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
        limits.MaxConcurrentConnections = WellKnown.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        // The review body reader enforces the exact cap; Kestrel's chunked decoder counts bytes
        // it has read ahead and refuses a body of exactly the cap, so its limit gets slack.
        limits.MaxRequestBodySize = options.MaxReviewBytes + WellKnown.RequestBufferBytes;
        limits.MaxRequestBufferSize = WellKnown.RequestBufferBytes;
        limits.RequestHeadersTimeout = WellKnown.RequestHeadersTimeout;

        // Averages since the body began, so a second line of defence only: the review body
        // reader drops a peer that stalls for seconds whatever its average.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(5));

        limits.Http2.MaxStreamsPerConnection = WellKnown.MaxStreamsPerConnection;
        limits.Http2.InitialConnectionWindowSize = WellKnown.Http2ConnectionWindowBytes;
        limits.Http2.InitialStreamWindowSize = WellKnown.Http2StreamWindowBytes;
    }
}
