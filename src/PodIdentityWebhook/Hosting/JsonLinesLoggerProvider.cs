using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace PodIdentityWebhook.Hosting;

/// <summary>
/// JSON lines on a stream (stdout), in the framework JSON console formatter's field names
/// (Timestamp, EventId, LogLevel, Category, Message, State, Exception; the message template
/// left out). A line is formatted on the logging thread and handed to one writer through a
/// lock-free queue; the writer batches lines into few writes. The console logger's locked
/// queue and write per line cost a third of the webhook's CPU under load (a decision line per
/// admission). Past <see cref="MaxPending"/> unwritten lines, new lines are dropped and counted
/// rather than slowing admission; the count is logged once the queue drains.
/// </summary>
internal sealed class JsonLinesLoggerProvider : ILoggerProvider
{
    public const int MaxPending = 10_000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _scratch;

    private readonly Channel<byte[]> _lines = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
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

    private void Enqueue(byte[] line)
    {
        if (Interlocked.Increment(ref _pending) > MaxPending || !_lines.Writer.TryWrite(line))
        {
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
                }

                if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
                {
                    buffered.Write(Format(DateTime.UtcNow, LogLevel.Warning, typeof(JsonLinesLoggerProvider).FullName!, default,
                        $"{dropped} log lines dropped: more than {MaxPending} were waiting to be written", null, (object?)null));
                }

                buffered.Flush();
            }
        }
        catch (IOException)
        {
            // Nobody reads stdout any more; the lines have nowhere to go.
        }
    }

    private static byte[] Format<TState>(DateTime time, LogLevel level, string category, EventId eventId, string message, Exception? exception, TState state)
    {
        var scratch = _scratch ??= new ArrayBufferWriter<byte>(1024);
        scratch.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(scratch, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("Timestamp", time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("EventId", eventId.Id);
            json.WriteString("LogLevel", LevelName(level));
            json.WriteString("Category", category);
            json.WriteString("Message", message);
            if (exception is not null)
            {
                json.WriteString("Exception", exception.ToString());
            }

            if (state is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                json.WriteStartObject("State");
                foreach (var (key, value) in properties)
                {
                    if (key != "{OriginalFormat}")
                    {
                        WriteValue(json, key, value);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var line = new byte[scratch.WrittenCount + 1];
        scratch.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
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

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };

    private sealed class Logger(JsonLinesLoggerProvider provider, string category) : ILogger
    {
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

            provider.Enqueue(Format(DateTime.UtcNow, logLevel, category, eventId, formatter(state, exception), exception, state));
        }
    }
}
