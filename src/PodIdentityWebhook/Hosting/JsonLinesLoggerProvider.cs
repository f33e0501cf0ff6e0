using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// JSON lines on a stream (stdout), in the framework JSON console formatter's field names
/// (Timestamp, EventId, LogLevel, Category, Message, State, Exception; the message template
/// left out). A line is formatted on the logging thread and handed to one writer through a
/// lock-free queue; the writer batches lines into few writes, waking at most every
/// <see cref="WriteInterval"/> (a wake and a write per line were 5% of a review's CPU under
/// load; the interval is the most a line waits). The console logger's locked
/// queue and write per line cost a third of the webhook's CPU under load (a decision line per
/// admission). Past <see cref="MaxPending"/> unwritten lines, new lines are dropped and counted
/// rather than slowing admission; the count is logged once the queue drains.
/// </summary>
internal sealed class JsonLinesLoggerProvider : ILoggerProvider
{
    public const int MaxPending = 10_000;

    /// <summary>The shortest time between two writes: a line waits at most this long to be written.</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(5);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("Timestamp");
    private static readonly JsonEncodedText EventIdProperty = JsonEncodedText.Encode("EventId");
    private static readonly JsonEncodedText LogLevelProperty = JsonEncodedText.Encode("LogLevel");
    private static readonly JsonEncodedText CategoryProperty = JsonEncodedText.Encode("Category");
    private static readonly JsonEncodedText MessageProperty = JsonEncodedText.Encode("Message");
    private static readonly JsonEncodedText ExceptionProperty = JsonEncodedText.Encode("Exception");
    private static readonly JsonEncodedText StateProperty = JsonEncodedText.Encode("State");
    private static readonly JsonEncodedText[] LevelNames = Array.ConvertAll(
        ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"], name => JsonEncodedText.Encode(name));

    private static readonly JsonEncodedText OwnCategory = JsonEncodedText.Encode(typeof(JsonLinesLoggerProvider).FullName!);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _scratch;

    [ThreadStatic]
    private static Utf8JsonWriter? _scratchWriter;

    /// <summary>This thread's last formatted timestamp up to the second (<c>yyyy-MM-ddTHH:mm:ss.</c>), in UTF-8.</summary>
    [ThreadStatic]
    private static byte[]? _secondText;

    /// <summary>The second <see cref="_secondText"/> holds, in ticks; 0 before the first line.</summary>
    [ThreadStatic]
    private static long _secondTicks;

    /// <summary>
    /// The lines' arrays: rented by the logging threads, returned by the writer a batch at a
    /// time. The shared pool keeps a few dozen arrays of a size, so most of a batch of a hundred
    /// fell out of it and every line allocated anew (330 bytes a review); this one keeps a
    /// batch's worth of each size (at most 512 arrays, about 256 KB for ordinary lines).
    /// </summary>
    private static readonly ArrayPool<byte> LinePool = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024, maxArraysPerBucket: 512);

    /// <summary>Lines in arrays rented from <see cref="LinePool"/>; the writer returns each once written.</summary>
    private readonly Channel<ArraySegment<byte>> _lines =
        Channel.CreateUnbounded<ArraySegment<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Stream _output;
    private readonly Task _writer;
    private readonly EventHandler _flushOnExit;
    private int _pending;
    private long _dropped;
    private int _disposed;

    public JsonLinesLoggerProvider(Stream output)
    {
        _output = output;
        _writer = Task.Run(WriteAsync);

        // Lines still queued when the process exits without disposing the host are written;
        // Dispose unhooks it, so a provider the host disposed is not kept alive by the process.
        _flushOnExit = (_, _) => Dispose();
        AppDomain.CurrentDomain.ProcessExit += _flushOnExit;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _flushOnExit;
        _lines.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(2));
    }

    private void Enqueue(ArraySegment<byte> line)
    {
        if (Interlocked.Increment(ref _pending) > MaxPending || !_lines.Writer.TryWrite(line))
        {
            LinePool.Return(line.Array!);
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteAsync()
    {
        var reader = _lines.Reader;
        using var buffered = new BufferedStream(_output, 64 * 1024);
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var line))
                {
                    Interlocked.Decrement(ref _pending);
                    buffered.Write(line);
                    LinePool.Return(line.Array!);
                }

                if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
                {
                    var notice = Format(DateTime.UtcNow, LogLevel.Warning, OwnCategory, default,
                        $"{dropped} log lines dropped: more than {MaxPending} were waiting to be written", null, (object?)null);
                    buffered.Write(notice);
                    LinePool.Return(notice.Array!);
                }

                buffered.Flush();

                // The lines of the next few milliseconds go out in one write; a provider being
                // disposed has completed the queue, and the rest is written at once.
                if (Volatile.Read(ref _disposed) == 0)
                {
                    await Task.Delay(WriteInterval);
                }
            }
        }
        catch (IOException)
        {
            // Nobody reads stdout any more; the lines have nowhere to go.
        }
    }

    /// <summary>A line whose state writes itself (the decision lines): same JSON, no message string, no boxing.</summary>
    private static ArraySegment<byte> FormatLine(DateTime time, LogLevel level, JsonEncodedText category, EventId eventId, Telemetry.IJsonLogLine line)
    {
        var json = Start(time, level, category, eventId);
        line.WriteMessage(json, MessageProperty);
        json.WriteStartObject(StateProperty);
        line.WriteFields(json);
        json.WriteEndObject();
        return End(json);
    }

    private static ArraySegment<byte> Format<TState>(
        DateTime time, LogLevel level, JsonEncodedText category, EventId eventId, string message, Exception? exception, TState state)
    {
        var json = Start(time, level, category, eventId);
        json.WriteString(MessageProperty, message);
        if (exception is not null)
        {
            json.WriteString(ExceptionProperty, exception.ToString());
        }

        if (state is IReadOnlyList<KeyValuePair<string, object?>> properties)
        {
            json.WriteStartObject(StateProperty);

            // By index: the enumerator of a logging state is an object per line.
            for (var i = 0; i < properties.Count; i++)
            {
                var (key, value) = properties[i];
                if (key != "{OriginalFormat}")
                {
                    WriteValue(json, key, value);
                }
            }

            json.WriteEndObject();
        }

        return End(json);
    }

    /// <summary>This thread's writer, reset, with the line's object open and its first four fields written.</summary>
    private static Utf8JsonWriter Start(DateTime time, LogLevel level, JsonEncodedText category, EventId eventId)
    {
        var scratch = _scratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        var json = _scratchWriter ??= new Utf8JsonWriter(scratch, WriterOptions);
        json.Reset(scratch);
        json.WriteStartObject();
        json.WriteString(TimestampProperty, Timestamp(time, stackalloc byte[TimestampLength]));
        json.WriteNumber(EventIdProperty, eventId.Id);
        json.WriteString(LogLevelProperty, LevelNames[Math.Clamp((int)level, 0, LevelNames.Length - 1)]);
        json.WriteString(CategoryProperty, category);
        return json;
    }

    /// <summary>Closes the line and copies it, with its newline, into a rented array for the writer.</summary>
    private static ArraySegment<byte> End(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.Flush();
        var scratch = _scratch!;
        var line = LinePool.Rent(scratch.WrittenCount + 1);
        scratch.WrittenSpan.CopyTo(line);
        line[scratch.WrittenCount] = (byte)'\n';
        return new ArraySegment<byte>(line, 0, scratch.WrittenCount + 1);
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(key); break;
            case string text: json.WriteString(key, text); break;
            case bool flag: json.WriteBoolean(key, flag); break;
            case int number: json.WriteNumber(key, number); break;
            case long number: json.WriteNumber(key, number); break;
            case double number: json.WriteNumber(key, number); break;
            default: json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    private const int TimestampLength = 24;

    /// <summary>
    /// <paramref name="time"/> as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> in UTF-8. All but the
    /// milliseconds change once a second, so each thread formats that part once a second and
    /// writes the three digits itself (formatting the whole stamp per line was 1% of a review).
    /// <paramref name="text"/> holds at least <see cref="TimestampLength"/> bytes.
    /// </summary>
    internal static ReadOnlySpan<byte> Timestamp(DateTime time, Span<byte> text)
    {
        var secondTicks = time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond);
        var second = _secondText ??= new byte[TimestampLength - 4];
        if (secondTicks != _secondTicks)
        {
            time.TryFormat(second, out _, "yyyy-MM-ddTHH:mm:ss.", System.Globalization.CultureInfo.InvariantCulture);
            _secondTicks = secondTicks;
        }

        var stamp = text[..TimestampLength];
        second.CopyTo(stamp);
        var milliseconds = time.Millisecond;
        stamp[^4] = (byte)('0' + (milliseconds / 100));
        stamp[^3] = (byte)('0' + (milliseconds / 10 % 10));
        stamp[^2] = (byte)('0' + (milliseconds % 10));
        stamp[^1] = (byte)'Z';
        return stamp;
    }

    private sealed class Logger(JsonLinesLoggerProvider provider, string category) : ILogger
    {
        private readonly JsonEncodedText _category = JsonEncodedText.Encode(category, WriterOptions.Encoder);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // Levels are filtered by the logging builder's rules before this logger is asked.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || Volatile.Read(ref provider._disposed) != 0)
            {
                return;
            }

            provider.Enqueue(state is Telemetry.IJsonLogLine line && exception is null
                ? FormatLine(DateTime.UtcNow, logLevel, _category, eventId, line)
                : Format(DateTime.UtcNow, logLevel, _category, eventId, formatter(state, exception), exception, state));
        }
    }
}
