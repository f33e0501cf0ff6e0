namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// Just enough of the protobuf wire format to read what the webhook exports over OTLP, so the
/// end-to-end test checks the bytes on the wire without a protobuf or OTLP package. A message is
/// a run of fields; each starts with a varint key, field number times 8 plus the wire type, and
/// then a varint (type 0), 8 little-endian bytes (type 1), a varint length and that many bytes
/// (type 2) or 4 little-endian bytes (type 5).
/// </summary>
internal static class ProtobufWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    /// <summary>One field as read: its number and wire type, and its value as a number or as bytes.</summary>
    /// <param name="Scalar">The varint or the fixed bytes as an unsigned number; 0 for length-delimited.</param>
    /// <param name="Bytes">A length-delimited field's bytes (a string, a message, packed numbers); empty otherwise.</param>
    public readonly record struct Field(int Number, int WireType, ulong Scalar, ReadOnlyMemory<byte> Bytes);

    /// <summary>Every field of <paramref name="message"/>, in order; throws on anything malformed.</summary>
    public static List<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message.Span, ref position);
            var number = checked((int)(key >> 3));
            var wireType = (int)(key & 7);
            if (number == 0)
            {
                throw new InvalidDataException($"field number 0 at byte {position}");
            }

            switch (wireType)
            {
                case Varint:
                    fields.Add(new Field(number, wireType, ReadVarint(message.Span, ref position), ReadOnlyMemory<byte>.Empty));
                    break;
                case Fixed64:
                    fields.Add(new Field(number, wireType, ReadFixed(message.Span, ref position, 8), ReadOnlyMemory<byte>.Empty));
                    break;
                case Fixed32:
                    fields.Add(new Field(number, wireType, ReadFixed(message.Span, ref position, 4), ReadOnlyMemory<byte>.Empty));
                    break;
                case LengthDelimited:
                    var length = ReadVarint(message.Span, ref position);
                    if (length > (ulong)(message.Length - position))
                    {
                        throw new InvalidDataException($"field {number} claims {length} bytes, {message.Length - position} remain");
                    }

                    fields.Add(new Field(number, wireType, 0, message.Slice(position, (int)length)));
                    position += (int)length;
                    break;
                default:
                    // 3 and 4 are the deprecated groups, which OTLP does not use; 6 and 7 do not exist.
                    throw new InvalidDataException($"field {number} has wire type {wireType}");
            }
        }

        return fields;
    }

    /// <summary>The embedded messages (or bytes) of every occurrence of field <paramref name="number"/>: a repeated field's items.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> All(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == LengthDelimited).Select(f => f.Bytes);

    /// <summary>The last occurrence of length-delimited field <paramref name="number"/> (protobuf's rule for a singular field), or null.</summary>
    public static ReadOnlyMemory<byte>? One(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).LastOrDefault(f => f.Number == number && f.WireType == LengthDelimited) is { Number: > 0 } field ? field.Bytes : null;

    /// <summary>String field <paramref name="number"/> as UTF-8 text, or null when absent.</summary>
    public static string? Text(ReadOnlyMemory<byte> message, int number) =>
        One(message, number) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes.Span) : null;

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("a varint runs past the end of the message");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("a varint longer than 10 bytes");
    }

    private static ulong ReadFixed(ReadOnlySpan<byte> data, ref int position, int size)
    {
        if (data.Length - position < size)
        {
            throw new InvalidDataException($"a fixed{size * 8} runs past the end of the message");
        }

        ulong value = 0;
        for (var i = size - 1; i >= 0; i--)
        {
            value = (value << 8) | data[position + i];
        }

        position += size;
        return value;
    }
}
