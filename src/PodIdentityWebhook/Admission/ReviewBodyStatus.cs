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
}
