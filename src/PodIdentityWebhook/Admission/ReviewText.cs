using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// What <see cref="JsonDocument.Parse(ReadOnlySequence{byte}, JsonDocumentOptions)"/> lets
/// through but no string of the review can be read from: bytes that are not UTF-8, and escapes
/// that leave half a surrogate pair. Checked before anything reads the review, so reading it
/// later cannot fail on its text, and an exception from resolving or mutating is the webhook's
/// own fault, never the client's.
/// </summary>
internal static class ReviewText
{
    /// <summary>Why the strings of <paramref name="json"/> cannot be read, or null when they can.</summary>
    public static string? Problem(ReadOnlySequence<byte> json, JsonDocumentOptions options)
    {
        var bytes = json.IsSingleSegment ? json.FirstSpan : json.ToArray();
        if (!Utf8.IsValid(bytes))
        {
            return "it is not valid UTF-8";
        }

        // Only an escaped string can hold a lone surrogate; most reviews have none.
        return bytes.IndexOf("\\u"u8) < 0 ? null : EscapeProblem(bytes, options);
    }

    private static string? EscapeProblem(ReadOnlySpan<byte> json, JsonDocumentOptions options)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            MaxDepth = options.MaxDepth,
            CommentHandling = options.CommentHandling,
            AllowTrailingCommas = options.AllowTrailingCommas,
        });
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
