using System.Text.Json;
using System.Text.Unicode;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// What the review's parse (Mutation/PartialJsonDocument, whose reader checks JSON's syntax
/// only) lets through but no string of the review can be read from: bytes that are not UTF-8,
/// and escapes that leave half a surrogate pair. Checked before anything reads the review, so reading it
/// later cannot fail on its text, and an exception from resolving or mutating is the webhook's
/// own fault, never the client's.
/// </summary>
internal static class ReviewText
{
    /// <summary>Why the strings of <paramref name="bytes"/> cannot be read, or null when they can.</summary>
    public static string? Problem(ReadOnlySpan<byte> bytes, int maxDepth)
    {
        if (!Utf8.IsValid(bytes))
        {
            return "it is not valid UTF-8";
        }

        // Only an escaped string can hold a lone surrogate; most reviews have none.
        return bytes.IndexOf("\\u"u8) < 0 ? null : EscapeProblem(bytes, maxDepth);
    }

    private static string? EscapeProblem(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        Span<char> scratch = stackalloc char[256];
        try
        {
            while (reader.Read())
            {
                if (reader is { TokenType: JsonTokenType.String or JsonTokenType.PropertyName, ValueIsEscaped: true })
                {
                    _ = reader.ValueSpan.Length <= scratch.Length ? reader.CopyString(scratch) : reader.GetString()!.Length;
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            return $"a string cannot be decoded: {ex.Message}";
        }

        return null;
    }
}
