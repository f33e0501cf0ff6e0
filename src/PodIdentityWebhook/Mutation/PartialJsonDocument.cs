using System.Buffers;
using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace PodIdentityWebhook.Mutation;

/// <summary>
/// A JSON value as far as a <see cref="JsonShape"/> keeps it, read in one forward pass of
/// <see cref="Utf8JsonReader"/>. Like <see cref="JsonDocument"/> it keeps offsets into the
/// caller's bytes in rows of 12 bytes, at most one per token, in an array rented from the pool
/// and doubled as it fills (returned on dispose): so no more than the 24 bytes a token that the
/// review budget counts for a parse (Admission/ReviewMemoryEstimate). Unlike it, the members the
/// shape does not name get no row at all. Every byte is still read by the reader, skipped or
/// kept, so malformed JSON throws the same <see cref="JsonException"/> at the same place as
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>. Strings are
/// decoded only when read: the caller checks the text first (Admission/ReviewText).
/// </summary>
internal sealed class PartialJsonDocument : IDisposable
{
    private const int KindBits = 0xF;

    /// <summary>A row's kind for a member's name; the member's value is the next row.</summary>
    private const int NameKind = 0xF;

    private const int EscapedFlag = 0x10;

    private readonly ReadOnlyMemory<byte> _json;
    private Row[] _rows;
    private int _count;

    private PartialJsonDocument(ReadOnlyMemory<byte> json)
    {
        _json = json;
        _rows = ArrayPool<Row>.Shared.Rent(64);
    }

    public PartialJsonElement RootElement => new(this, 0);

    /// <summary>Rows kept: at most one per token of the JSON, none for a member the shape does not name.</summary>
    internal int RowCount => _count;

    /// <summary>Reads <paramref name="json"/>, which must stay unchanged while the document is used.</summary>
    /// <exception cref="JsonException">The bytes are not one JSON value (the reader's own message).</exception>
    public static PartialJsonDocument Parse(ReadOnlyMemory<byte> json, JsonShape shape, int maxDepth)
    {
        var document = new PartialJsonDocument(json);
        try
        {
            var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = maxDepth });

            // The reader throws for empty input; for trailing content after the value, on the
            // read after it, as JsonDocument's own loop finds it.
            reader.Read();
            document.Add(ref reader, shape);
            reader.Read();
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        var rows = _rows;
        _rows = [];
        _count = 0;
        if (rows.Length > 0)
        {
            ArrayPool<Row>.Shared.Return(rows);
        }
    }

    internal JsonValueKind KindOf(int row) => (JsonValueKind)(_rows[row].Info & KindBits);

    /// <summary>The row after a value's rows: its next sibling.</summary>
    internal int After(int row) => row + RowsOf(row);

    /// <summary>The last member named <paramref name="name"/> of the object at <paramref name="row"/> (JsonElement's choice among duplicates), or -1.</summary>
    internal int Find(int row, ReadOnlySpan<byte> name)
    {
        var found = -1;
        var end = After(row);
        for (var member = row + 1; member < end; member = After(member + 1))
        {
            if (TextEquals(member, name))
            {
                found = member + 1;
            }
        }

        return found;
    }

    internal string GetString(int row)
    {
        var entry = _rows[row];
        var text = _json.Span.Slice(entry.Start, entry.Length);
        if ((entry.Info & EscapedFlag) == 0)
        {
            return Encoding.UTF8.GetString(text);
        }

        // The string's token, quotes included, read again on its own decodes its escapes.
        var reader = new Utf8JsonReader(_json.Span.Slice(entry.Start - 1, entry.Length + 2));
        reader.Read();
        return reader.GetString()!;
    }

    internal bool TextEquals(int row, ReadOnlySpan<byte> utf8)
    {
        var entry = _rows[row];
        return (entry.Info & EscapedFlag) == 0
            ? _json.Span.Slice(entry.Start, entry.Length).SequenceEqual(utf8)
            : Encoding.UTF8.GetBytes(GetString(row)).AsSpan().SequenceEqual(utf8);
    }

    private int RowsOf(int row) => KindOf(row) is JsonValueKind.Object or JsonValueKind.Array ? _rows[row].Length : 1;

    private void Add(ref Utf8JsonReader reader, JsonShape shape)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                AddObject(ref reader, shape);
                return;
            case JsonTokenType.StartArray:
                AddArray(ref reader, shape.KeepsAll ? shape : shape.Items);
                return;
            case JsonTokenType.String:
                Append(JsonValueKind.String, StringStart(ref reader), reader.ValueSpan.Length, reader.ValueIsEscaped);
                return;
            case JsonTokenType.Number:
                Append(JsonValueKind.Number, reader.TokenStartIndex, reader.ValueSpan.Length, escaped: false);
                return;
            case JsonTokenType.True:
                Append(JsonValueKind.True, reader.TokenStartIndex, 0, escaped: false);
                return;
            case JsonTokenType.False:
                Append(JsonValueKind.False, reader.TokenStartIndex, 0, escaped: false);
                return;
            default:
                Append(JsonValueKind.Null, reader.TokenStartIndex, 0, escaped: false);
                return;
        }
    }

    /// <summary>An object's row, then a name row and the value's rows for each member the shape keeps.</summary>
    private void AddObject(ref Utf8JsonReader reader, JsonShape shape)
    {
        var row = Append(JsonValueKind.Object, reader.TokenStartIndex, 0, escaped: false);
        if (!shape.KeepsMembers)
        {
            reader.Skip();
        }
        else
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (shape.MemberOf(ref reader) is not { } member)
                {
                    // From the name past the end of its value.
                    reader.Skip();
                    continue;
                }

                Append((JsonValueKind)NameKind, StringStart(ref reader), reader.ValueSpan.Length, reader.ValueIsEscaped);
                reader.Read();
                Add(ref reader, member);
            }
        }

        _rows[row].Length = _count - row;
    }

    private void AddArray(ref Utf8JsonReader reader, JsonShape? items)
    {
        var row = Append(JsonValueKind.Array, reader.TokenStartIndex, 0, escaped: false);
        if (items is null)
        {
            reader.Skip();
        }
        else
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Add(ref reader, items);
            }
        }

        _rows[row].Length = _count - row;
    }

    /// <summary>A string token's text starts after its opening quote.</summary>
    private static long StringStart(ref Utf8JsonReader reader) => reader.TokenStartIndex + 1;

    private int Append(JsonValueKind kind, long start, int length, bool escaped)
    {
        if (_count == _rows.Length)
        {
            var grown = ArrayPool<Row>.Shared.Rent(_rows.Length * 2);
            _rows.AsSpan(0, _count).CopyTo(grown);
            ArrayPool<Row>.Shared.Return(_rows);
            _rows = grown;
        }

        _rows[_count] = new Row((int)start, length, (int)kind | (escaped ? EscapedFlag : 0));
        return _count++;
    }

    /// <summary>
    /// Where a value's text is, its kind, and whether it holds escapes. For an object or array,
    /// <see cref="Length"/> is its number of rows, itself included.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Row(int start, int length, int info)
    {
        public readonly int Start = start;
        public int Length = length;
        public readonly int Info = info;
    }
}

/// <summary>
/// A value of a <see cref="PartialJsonDocument"/>, read as <see cref="JsonElement"/> is; the
/// default value is Undefined, as a member the document does not have.
/// </summary>
internal readonly struct PartialJsonElement
{
    private readonly PartialJsonDocument? _document;
    private readonly int _row;

    internal PartialJsonElement(PartialJsonDocument document, int row)
    {
        _document = document;
        _row = row;
    }

    public JsonValueKind ValueKind => _document?.KindOf(_row) ?? JsonValueKind.Undefined;

    public bool TryGetProperty(ReadOnlySpan<byte> utf8Name, out PartialJsonElement value)
    {
        var document = Require(JsonValueKind.Object);
        var row = document.Find(_row, utf8Name);
        value = row < 0 ? default : new PartialJsonElement(document, row);
        return row >= 0;
    }

    public bool TryGetProperty(string name, out PartialJsonElement value) => TryGetProperty(Utf8(name, stackalloc byte[256]), out value);

    /// <summary>The string's text; null for a JSON null.</summary>
    public string? GetString() => ValueKind == JsonValueKind.Null ? null : Require(JsonValueKind.String).GetString(_row);

    public bool ValueEquals(ReadOnlySpan<byte> utf8Text) => Require(JsonValueKind.String).TextEquals(_row, utf8Text);

    public bool ValueEquals(string text) => ValueEquals(Utf8(text, stackalloc byte[256]));

    public int GetArrayLength()
    {
        var count = 0;
        foreach (var _ in EnumerateArray())
        {
            count++;
        }

        return count;
    }

    public ArrayEnumerator EnumerateArray()
    {
        Require(JsonValueKind.Array);
        return new ArrayEnumerator(_document!, _row);
    }

    /// <summary><paramref name="text"/> in UTF-8, in <paramref name="scratch"/> when it fits.</summary>
    private static ReadOnlySpan<byte> Utf8(string text, Span<byte> scratch) =>
        Encoding.UTF8.GetMaxByteCount(text.Length) <= scratch.Length
            ? scratch[..Encoding.UTF8.GetBytes(text, scratch)]
            : Encoding.UTF8.GetBytes(text);

    /// <summary>The document, when this value is of <paramref name="kind"/>; otherwise the exception JsonElement throws.</summary>
    private PartialJsonDocument Require(JsonValueKind kind) =>
        ValueKind == kind
            ? _document!
            : throw new InvalidOperationException($"The requested operation requires an element of type '{kind}', but the target element has type '{ValueKind}'.");

    /// <summary>The items of an array, in order.</summary>
    public struct ArrayEnumerator : IEnumerable<PartialJsonElement>, IEnumerator<PartialJsonElement>
    {
        private readonly PartialJsonDocument _document;
        private readonly int _end;
        private int _next;
        private int _current;

        internal ArrayEnumerator(PartialJsonDocument document, int array)
        {
            _document = document;
            _end = document.After(array);
            _next = array + 1;
            _current = -1;
        }

        public readonly PartialJsonElement Current => new(_document, _current);

        readonly object IEnumerator.Current => Current;

        public readonly ArrayEnumerator GetEnumerator() => this;

        readonly IEnumerator<PartialJsonElement> IEnumerable<PartialJsonElement>.GetEnumerator() => this;

        readonly IEnumerator IEnumerable.GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next >= _end)
            {
                return false;
            }

            _current = _next;
            _next = _document.After(_current);
            return true;
        }

        public void Reset() => throw new NotSupportedException();

        public readonly void Dispose()
        {
        }
    }
}
