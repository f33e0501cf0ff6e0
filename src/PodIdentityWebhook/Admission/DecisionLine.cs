using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text.Json;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// The decision line of a pod that was mutated (event 100) or left as it was (event 101): one
/// per review, so it is written straight into the JSON-lines log (<see cref="IJsonLogLine"/>)
/// instead of through a rendered message string and boxed fields (a fifth fewer bytes
/// allocated per review). Other providers read it as an ordinary logging state; both give the
/// text and fields of the message templates below.
/// </summary>
internal readonly struct DecisionLine : IReadOnlyList<KeyValuePair<string, object?>>, IJsonLogLine
{
    public const string MutatedTemplate =
        "Mutated pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}, mode {Mode}): containers {Containers}, {Operations} patch operations in {DurationMs} ms";

    public const string NotMutatedTemplate =
        "Pod {Pod} in {Namespace} (ServiceAccount {ServiceAccount}, mode {Mode}) not mutated: {Reason} ({DurationMs} ms)";

    /// <summary>Container names listed in one line; the rest are counted.</summary>
    private const int MaxContainers = 20;

    /// <summary>Room on the stack for the message or the container list; longer ones go to pooled arrays.</summary>
    private const int ScratchChars = 2048;

    private static readonly SpanWriter<DecisionLine> MessageWriter = static (DecisionLine line, Span<char> destination, out int written) =>
        line.TryWriteMessage(destination, out written);

    private static readonly SpanWriter<MutationResult> ContainersWriter = TryWriteContainers;

    private readonly string _pod;
    private readonly string _namespace;
    private readonly string _serviceAccount;
    private readonly string _mode;
    private readonly MutationResult? _mutation;
    private readonly string? _reason;
    private readonly double _durationMs;

    private DecisionLine(string pod, string @namespace, string serviceAccount, string mode, MutationResult? mutation, string? reason, double durationMs)
    {
        _pod = pod;
        _namespace = @namespace;
        _serviceAccount = serviceAccount;
        _mode = mode;
        _mutation = mutation;
        _reason = reason;
        _durationMs = durationMs;
    }

    public static EventId MutatedEvent { get; } = new(100, "PodMutated");

    public static EventId NotMutatedEvent { get; } = new(101, "PodNotMutated");

    public static Func<DecisionLine, Exception?, string> Formatter { get; } = (line, _) => line.ToString();

    // The fields' names, encoded once rather than on every line.
    private static readonly JsonEncodedText PodProperty = JsonEncodedText.Encode("Pod");
    private static readonly JsonEncodedText NamespaceProperty = JsonEncodedText.Encode("Namespace");
    private static readonly JsonEncodedText ServiceAccountProperty = JsonEncodedText.Encode("ServiceAccount");
    private static readonly JsonEncodedText ModeProperty = JsonEncodedText.Encode("Mode");
    private static readonly JsonEncodedText ContainersProperty = JsonEncodedText.Encode("Containers");
    private static readonly JsonEncodedText OperationsProperty = JsonEncodedText.Encode("Operations");
    private static readonly JsonEncodedText ReasonProperty = JsonEncodedText.Encode("Reason");
    private static readonly JsonEncodedText DurationMsProperty = JsonEncodedText.Encode("DurationMs");

    public int Count => _mutation is null ? 7 : 8;

    public KeyValuePair<string, object?> this[int index] => _mutation is { } mutation
        ? index switch
        {
            0 => new("Pod", _pod),
            1 => new("Namespace", _namespace),
            2 => new("ServiceAccount", _serviceAccount),
            3 => new("Mode", _mode),
            4 => new("Containers", Render(mutation, ContainersWriter)),
            5 => new("Operations", mutation.PatchOperations),
            6 => new("DurationMs", _durationMs),
            7 => new("{OriginalFormat}", MutatedTemplate),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        }
        : index switch
        {
            0 => new("Pod", _pod),
            1 => new("Namespace", _namespace),
            2 => new("ServiceAccount", _serviceAccount),
            3 => new("Mode", _mode),
            4 => new("Reason", _reason),
            5 => new("DurationMs", _durationMs),
            6 => new("{OriginalFormat}", NotMutatedTemplate),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

    /// <param name="names">The pod, its namespace and ServiceAccount, already bounded for the log.</param>
    public static DecisionLine Mutated((string Pod, string Namespace, string ServiceAccount) names, string mode, MutationResult mutation, double durationMs) =>
        new(names.Pod, names.Namespace, names.ServiceAccount, mode, mutation, null, durationMs);

    /// <param name="names">The pod, its namespace and ServiceAccount, already bounded for the log.</param>
    public static DecisionLine NotMutated((string Pod, string Namespace, string ServiceAccount) names, string mode, string reason, double durationMs) =>
        new(names.Pod, names.Namespace, names.ServiceAccount, mode, null, reason, durationMs);

    private delegate bool SpanWriter<in T>(T value, Span<char> destination, out int written);

    public override string ToString() => Render(this, MessageWriter);

    public void WriteMessage(Utf8JsonWriter json, JsonEncodedText property) => WriteText(json, property, this, MessageWriter);

    public void WriteFields(Utf8JsonWriter json)
    {
        json.WriteString(PodProperty, _pod);
        json.WriteString(NamespaceProperty, _namespace);
        json.WriteString(ServiceAccountProperty, _serviceAccount);
        json.WriteString(ModeProperty, _mode);
        if (_mutation is { } mutation)
        {
            WriteText(json, ContainersProperty, mutation, ContainersWriter);
            json.WriteNumber(OperationsProperty, mutation.PatchOperations);
        }
        else
        {
            json.WriteString(ReasonProperty, _reason);
        }

        Span<byte> duration = stackalloc byte[DurationText.MaxLength];
        json.WritePropertyName(DurationMsProperty);
        json.WriteRawValue(duration[..DurationText.Format(_durationMs, duration)], skipInputValidation: true);
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The text <paramref name="write"/> makes as a property of <paramref name="json"/>, without a string when it fits the stack.</summary>
    private static void WriteText<T>(Utf8JsonWriter json, JsonEncodedText property, T value, SpanWriter<T> write)
    {
        Span<char> scratch = stackalloc char[ScratchChars];
        if (write(value, scratch, out var written))
        {
            json.WriteString(property, scratch[..written]);
        }
        else
        {
            json.WriteString(property, Render(value, write));
        }
    }

    /// <summary>The text <paramref name="write"/> makes, in a buffer that grows until it fits.</summary>
    private static string Render<T>(T value, SpanWriter<T> write)
    {
        Span<char> scratch = stackalloc char[ScratchChars];
        if (write(value, scratch, out var written))
        {
            return new string(scratch[..written]);
        }

        for (var size = ScratchChars * 4; ; size *= 2)
        {
            var rented = ArrayPool<char>.Shared.Rent(size);
            try
            {
                if (write(value, rented, out written))
                {
                    return new string(rented, 0, written);
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The names of the mutated containers (bounded), comma-separated, at most <see cref="MaxContainers"/> and a count of the rest.</summary>
    private static bool TryWriteContainers(MutationResult mutation, Span<char> destination, out int written)
    {
        written = 0;
        var listed = 0;
        var more = 0;
        // By index: the list's enumerator, through the interface, is an object per call (two per line).
        var containers = mutation.Containers;
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i];
            if (container.Outcome != ContainerOutcome.Mutated)
            {
                continue;
            }

            if (listed == MaxContainers)
            {
                more++;
                continue;
            }

            // Bounded returns a name within the log's bound as it is, without a copy.
            if (!Append(destination, ref written, listed == 0 ? "" : ",")
                || !Append(destination, ref written, AdmissionLog.Bounded(container.Name, AdmissionLog.MaxName)))
            {
                return false;
            }

            listed++;
        }

        return more == 0 || destination[written..].TryWrite(CultureInfo.InvariantCulture, $" and {more} more", out var tail) && Advance(ref written, tail);
    }

    private bool TryWriteMessage(Span<char> destination, out int written)
    {
        written = 0;
        if (_mutation is { } mutation)
        {
            if (!destination.TryWrite(CultureInfo.InvariantCulture, $"Mutated pod {_pod} in {_namespace} (ServiceAccount {_serviceAccount}, mode {_mode}): containers ", out written)
                || !TryWriteContainers(mutation, destination[written..], out var containers) || !Advance(ref written, containers))
            {
                return false;
            }

            return destination[written..].TryWrite(CultureInfo.InvariantCulture, $", {mutation.PatchOperations} patch operations in ", out var operations)
                && Advance(ref written, operations)
                && AppendDuration(destination, ref written, _durationMs)
                && Append(destination, ref written, " ms");
        }

        return destination.TryWrite(
                CultureInfo.InvariantCulture, $"Pod {_pod} in {_namespace} (ServiceAccount {_serviceAccount}, mode {_mode}) not mutated: {_reason} (", out written)
            && AppendDuration(destination, ref written, _durationMs)
            && Append(destination, ref written, " ms)");
    }

    private static bool AppendDuration(Span<char> destination, ref int written, double durationMs)
    {
        Span<byte> text = stackalloc byte[DurationText.MaxLength];
        // ASCII digits, a point, perhaps a sign or exponent: one char each.
        return System.Text.Ascii.ToUtf16(text[..DurationText.Format(durationMs, text)], destination[written..], out var length) == OperationStatus.Done
            && Advance(ref written, length);
    }

    private static bool Append(Span<char> destination, ref int written, string text)
    {
        if (!text.AsSpan().TryCopyTo(destination[written..]))
        {
            return false;
        }

        written += text.Length;
        return true;
    }

    private static bool Advance(ref int written, int by)
    {
        written += by;
        return true;
    }
}
