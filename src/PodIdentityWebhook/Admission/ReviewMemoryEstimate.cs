using System.Text.Json;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// How much memory parsing a review body takes beyond the body itself. The parse
/// (Mutation/PartialJsonDocument) keeps at most one 12-byte row per JSON token and doubles its
/// table as it grows, so the cost follows the number of tokens, not the number of bytes: 300 KB
/// of empty containers is 200,000 tokens.
/// </summary>
internal static class ReviewMemoryEstimate
{
    private const int BytesPerToken = 24;

    /// <summary>
    /// The bytes parsing will take, and the JSON tokens it will find. Small bodies get the worst
    /// case without looking (a token every two bytes); larger ones are tokenized once, which
    /// costs no allocation and is cheap next to parsing them.
    /// </summary>
    public static (long ParseBytes, long Tokens) Of(ReadOnlySpan<byte> body, int maxDepth)
    {
        if (body.Length <= AdmissionConstants.ScannedReviewBytes)
        {
            var worst = ((long)body.Length / 2) + 1;
            return (worst * BytesPerToken, worst);
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        long tokens = 1;
        try
        {
            while (reader.Read())
            {
                tokens++;
            }
        }
        catch (JsonException)
        {
            // The parse fails at the same place; what was counted is what it will have built.
        }

        return (tokens * BytesPerToken, tokens);
    }
}
