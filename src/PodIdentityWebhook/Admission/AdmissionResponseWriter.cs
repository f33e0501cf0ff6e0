using System.Buffers;
using System.Text.Json;

namespace PodIdentityWebhook.Admission;

/// <summary>Writes the response AdmissionReview, echoing the request's apiVersion and uid.</summary>
internal static class AdmissionResponseWriter
{
    /// <summary>One writer per thread, pointed at each answer's buffer in turn.</summary>
    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <summary>
    /// Writes an allowed review (with <paramref name="patch"/> when not empty), or a refused one
    /// with status code 400 when <paramref name="refusal"/> is set.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, string apiVersion, string uid, ReadOnlySpan<byte> patch, string? refusal)
    {
        var writer = _threadWriter ??= new Utf8JsonWriter(output);
        writer.Reset(output);
        writer.WriteStartObject();
        writer.WriteString("apiVersion", apiVersion);
        writer.WriteString("kind", AdmissionConstants.AdmissionReviewKind);
        writer.WriteStartObject("response");
        writer.WriteString("uid", uid);
        writer.WriteBoolean("allowed", refusal is null);
        if (refusal is not null)
        {
            writer.WriteStartObject("status");
            writer.WriteString("status", "Failure");
            writer.WriteString("message", refusal);
            writer.WriteString("reason", "BadRequest");
            writer.WriteNumber("code", 400);
            writer.WriteEndObject();
        }
        else if (!patch.IsEmpty)
        {
            writer.WriteString("patchType", AdmissionConstants.JsonPatchType);
            writer.WriteBase64String("patch", patch);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }
}
