namespace PodIdentityWebhook.Admission;

/// <summary>How reading a review body ended.</summary>
internal enum ReviewBodyStatus
{
    /// <summary>The whole body is in the buffer.</summary>
    Read,

    /// <summary>Over the size cap, declared or actual: HTTP 413.</summary>
    TooLarge,

    /// <summary>The memory budget had no room in time: HTTP 503 with Retry-After.</summary>
    NoMemory,

    /// <summary>Malformed framing: HTTP 400.</summary>
    Malformed,

    /// <summary>The peer stopped sending: the connection is dropped.</summary>
    Stalled,

    /// <summary>The peer went away: nothing to answer.</summary>
    Aborted,

    /// <summary>
    /// The connection under HTTP failed (TLS or the socket): nothing can be answered on it, and
    /// Kestrel's body reader may be left mid-read, so the connection is dropped.
    /// </summary>
    Broken,
}
