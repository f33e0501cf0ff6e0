using System.Buffers;
using System.Text.Json;

namespace PodIdentityWebhook.Mutation;

/// <summary>
/// Streams RFC 6902 <c>add</c> operations into a buffer. The array is opened lazily, so a
/// pod that needs nothing produces zero bytes. Only <c>add</c> exists here on purpose: the
/// webhook never removes or replaces what a pod already has.
/// </summary>
internal sealed class JsonPatchWriter(IBufferWriter<byte> output)
{
    private static readonly JsonEncodedText Op = JsonEncodedText.Encode("op");
    private static readonly JsonEncodedText Add = JsonEncodedText.Encode("add");
    private static readonly JsonEncodedText PathProperty = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("value");

    /// <summary>One writer per thread, pointed at each patch's buffer in turn (a writer per review was a tenth of its allocation).</summary>
    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    private readonly Utf8JsonWriter _writer = WriterFor(output);

    /// <summary>Number of operations written so far.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Starts an <c>add</c> at <paramref name="path"/> (already a JSON pointer) and returns the
    /// writer positioned for exactly one value; call <see cref="EndAdd"/> after writing it.
    /// </summary>
    public Utf8JsonWriter BeginAdd(ReadOnlySpan<char> path)
    {
        if (Count == 0)
        {
            _writer.WriteStartArray();
        }

        Count++;
        _writer.WriteStartObject();
        _writer.WriteString(Op, Add);
        _writer.WriteString(PathProperty, path);
        _writer.WritePropertyName(ValueProperty);
        return _writer;
    }

    public void EndAdd() => _writer.WriteEndObject();

    /// <summary>Closes the array (when any operation was written) and flushes.</summary>
    public void Complete()
    {
        if (Count > 0)
        {
            _writer.WriteEndArray();
        }

        _writer.Flush();
    }

    private static Utf8JsonWriter WriterFor(IBufferWriter<byte> output)
    {
        var writer = _threadWriter ??= new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = false });
        writer.Reset(output);
        return writer;
    }
}
