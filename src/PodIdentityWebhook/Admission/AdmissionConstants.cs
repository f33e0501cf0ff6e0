namespace PodIdentityWebhook.Admission;

/// <summary>
/// The AdmissionReview protocol's names, the /mutate paths, and the limits one review is held to.
/// </summary>
internal static class AdmissionConstants
{
    /// <summary>ServiceAccount used when a pod names none.</summary>
    public const string DefaultServiceAccountName = "default";

    public const string AdmissionV1 = "admission.k8s.io/v1";

    public const string AdmissionV1Beta1 = "admission.k8s.io/v1beta1";

    public const string AdmissionReviewKind = "AdmissionReview";

    public const string JsonPatchType = "JSONPatch";

    /// <summary>Largest JSON patch the webhook writes (about 2,500 containers' worth); a pod needing more is refused.</summary>
    public const int MaxPatchBytes = 1024 * 1024;

    /// <summary>
    /// Most JSON tokens a review may have (413 beyond): parsing costs 12 bytes per token whatever
    /// its size, so 300 KB of empty containers costs more than 3 MB of a real pod's strings.
    /// A pod with a thousand containers of twenty fields each is 100,000.
    /// </summary>
    public const long MaxReviewTokens = 200_000;

    /// <summary>Bodies up to this size reserve a fixed multiple of their size for parsing; larger ones are scanned first.</summary>
    public const int ScannedReviewBytes = 64 * 1024;

    /// <summary>How long a review waits for room in the memory budget before it is answered 503.</summary>
    public static readonly TimeSpan ReviewMemoryWait = TimeSpan.FromSeconds(1);

    /// <summary>A body that sends nothing for this long is dropped (Kestrel's data rate is an average; this is not).</summary>
    public static readonly TimeSpan ReviewBodyStallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The whole body must arrive within this, whatever its pace: the API server's own webhook timeout is at most 30 s and 10 s by default.</summary>
    public static readonly TimeSpan ReviewBodyDeadline = TimeSpan.FromSeconds(10);

    /// <summary>A peer that has not taken the whole answer within this is dropped and the answer released.</summary>
    public static readonly TimeSpan AnswerWriteTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Seconds in the Retry-After of a 503 for lack of memory.</summary>
    public const int RetryAfterSeconds = 1;

    public const string MutatePath = "/mutate";

    /// <summary>Webhook port, --enable-debugging-handlers: refuses every review (tests failurePolicy).</summary>
    public const string DebugDenyPath = "/debug/alpha/deny";

    /// <summary>Webhook port, --enable-debugging-handlers: answers HTTP 500 (tests failurePolicy).</summary>
    public const string DebugServerErrorPath = "/debug/alpha/500";
}
