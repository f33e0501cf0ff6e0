using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// List, watch and get over HTTP with the connection's credentials. Watches are read as a
/// stream of JSON lines, one event at a time, never buffering the whole body.
/// </summary>
internal sealed class KubernetesApiClient : IKubernetesApi, IDisposable
{
    /// <summary>How long a list page or get may take.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    // A watch the server should have closed (timeoutSeconds) but did not: the connection
    // is probably dead without a reset, so give up and start a new one.
    private static readonly TimeSpan WatchGrace = TimeSpan.FromSeconds(30);

    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly IBearerTokenSource? _token;

    public KubernetesApiClient(KubernetesConnection connection)
        : this(connection, connection.CreateHandler())
    {
    }

    /// <param name="handler">Owned by the client; tests pass their own.</param>
    public KubernetesApiClient(KubernetesConnection connection, HttpMessageHandler handler)
    {
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("pod-identity-webhook", "0.1.0"));
        // A server URL may carry a path prefix (API proxies such as Rancher's).
        _baseUrl = connection.Server.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _token = connection.Token;
    }

    public async Task<ListPage> ListAsync(string path, ListOptions options, string? continueToken, CancellationToken cancellationToken)
    {
        var query = new QueryBuilder()
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("limit", options.Limit > 0 ? options.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) : null)
            .Add("continue", continueToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendAsync(path + query, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        await EnsureSuccessAsync(response, "list " + path, timeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        return new ListPage(await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token));
    }

    public async Task<JsonDocument?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendAsync(path, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, "get " + path, timeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        return await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string path,
        ListOptions options,
        string resourceVersion,
        TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)timeout.TotalSeconds);
        var query = new QueryBuilder()
            .Add("watch", "1")
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("resourceVersion", resourceVersion)
            .Add("allowWatchBookmarks", "true")
            .Add("timeoutSeconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var operation = "watch " + path;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds) + WatchGrace);
        using var response = await SendAsync(path + query, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        await EnsureSuccessAsync(response, operation, deadline.Token);
        await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                ReadResult result;
                var timedOut = false;
                try
                {
                    result = await reader.ReadAsync(deadline.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
                {
                    timedOut = true;
                    result = default;
                }

                if (timedOut)
                {
                    // The watch outlived its own timeout; end it as the server should have.
                    yield break;
                }

                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (IsBlank(line))
                    {
                        continue;
                    }

                    using var document = ParseEvent(line, operation, out var type);
                    if (type is { } eventType)
                    {
                        yield return new WatchEvent(eventType, document.RootElement.GetProperty("object"));
                    }
                }

                if (result.IsCompleted)
                {
                    if (!IsBlank(buffer))
                    {
                        // The connection closed inside an event: nothing of it may be applied.
                        throw new IOException($"{operation}: the stream ended in the middle of an event");
                    }

                    yield break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The event's document and type; null type for one this client does not know. ERROR throws.</summary>
    private static JsonDocument ParseEvent(ReadOnlySequence<byte> line, string operation, out WatchEventType? type)
    {
        var reader = new Utf8JsonReader(line);
        var document = JsonDocument.ParseValue(ref reader);
        try
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement)
                || !root.TryGetProperty("object", out var obj))
            {
                throw new JsonException($"{operation}: a watch event without type or object");
            }

            type = typeElement.GetString() switch
            {
                "ADDED" => WatchEventType.Added,
                "MODIFIED" => WatchEventType.Modified,
                "DELETED" => WatchEventType.Deleted,
                "BOOKMARK" => WatchEventType.Bookmark,
                "ERROR" => throw StatusException(operation, obj, (int)HttpStatusCode.InternalServerError),
                _ => null,
            };
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _baseUrl + pathAndQuery);
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _token.GetTokenAsync(cancellationToken));
        }

        return await _http.SendAsync(request, completion, cancellationToken);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        string? text = null;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyBytes];
            var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            text = Encoding.UTF8.GetString(buffer, 0, length);
            using var document = JsonDocument.Parse(text);
            throw StatusException(operation, document.RootElement, status);
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            throw new KubernetesApiException(operation, status, response.ReasonPhrase, text?.Trim());
        }
    }

    /// <summary>A metav1.Status as an exception; the Status's own code wins over the fallback.</summary>
    private static KubernetesApiException StatusException(string operation, JsonElement status, int fallbackCode)
    {
        var code = fallbackCode;
        string? reason = null;
        string? message = null;
        if (status.ValueKind == JsonValueKind.Object)
        {
            if (status.TryGetProperty("code", out var codeElement) && codeElement.TryGetInt32(out var parsed) && parsed > 0)
            {
                code = parsed;
            }

            if (status.TryGetProperty("reason", out var reasonElement) && reasonElement.ValueKind == JsonValueKind.String)
            {
                reason = reasonElement.GetString();
            }

            if (status.TryGetProperty("message", out var messageElement) && messageElement.ValueKind == JsonValueKind.String)
            {
                message = messageElement.GetString();
            }
        }

        return new KubernetesApiException(operation, code, reason, message);
    }
}
