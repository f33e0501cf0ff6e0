using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace PodIdentityWebhook.Kubernetes;

/// <summary>
/// The webhook's calls on the API server through KubernetesClient.Aot: the library's
/// configuration, credentials (tokens, client certificates, exec plugins), HttpClient and
/// typed models; list (in pages), get and watch are sent here and decoded with
/// <see cref="KubernetesModels"/>, which covers the few kinds the webhook reads. The
/// library's generated operations decode through one context of every API kind: under
/// Native AOT that is most of the binary and of its resident memory (docs/performance.md, Native AOT).
/// </summary>
internal sealed class KubernetesApi : IKubernetesApi, IJsonObjects, IDisposable
{
    /// <summary>How long a list page or get may take (the library's per-call timeout).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    // A watch the server should have closed (timeoutSeconds) but did not: the connection
    // is probably dead without a reset, so give up and start a new one.
    private static readonly TimeSpan WatchGrace = TimeSpan.FromSeconds(30);

    private readonly k8s.Kubernetes _client;
    private readonly Collection<V1ServiceAccount, V1ServiceAccountList> _serviceAccounts;
    private readonly string? _tlsServerName;

    /// <summary>Builds the library client; a client certificate that does not load throws here.</summary>
    public KubernetesApi(KubernetesClientConfiguration configuration)
    {
        configuration.HttpClientTimeout = RequestTimeout;
        _client = new k8s.Kubernetes(configuration);
        _tlsServerName = configuration.TlsServerName;
        _serviceAccounts = new Collection<V1ServiceAccount, V1ServiceAccountList>(
            this, "/api/v1/serviceaccounts", KubernetesModels.Read<V1ServiceAccount>(), KubernetesModels.Read<V1ServiceAccountList>());
    }

    public IListWatch<V1ServiceAccount> ServiceAccounts => _serviceAccounts;

    /// <summary>
    /// Sends the ServiceAccount informer's first list request now, as the client is made: the list
    /// of a large cluster is most of a new replica's time to ready, and the host is built while
    /// it is answered. The informer's first list with these options takes the answer (or its error).
    /// </summary>
    public void PrefetchServiceAccounts(ListOptions options) => _serviceAccounts.Prefetch(options.FirstList());

    public IListWatch<V1ConfigMap> ConfigMaps(string @namespace) =>
        new Collection<V1ConfigMap, V1ConfigMapList>(
            this, $"/api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/configmaps", KubernetesModels.Read<V1ConfigMap>(), KubernetesModels.Read<V1ConfigMapList>());

    public async Task<V1ServiceAccount?> GetServiceAccountAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/serviceaccounts/{Uri.EscapeDataString(name)}";
        using var response = await SendAsync(path, [], HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync(response, "get " + path, KubernetesModels.Read<V1ServiceAccount>(), cancellationToken);
    }

    /// <summary>
    /// Any GET as a JSON object, parsed without a serialization context (read-only callers such
    /// as <c>explain</c> that read kinds the webhook has no model for). <paramref name="path"/>
    /// may carry a query. Null on 404; other errors throw <see cref="KubernetesApiException"/>.
    /// </summary>
    public async Task<JsonObject?> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(path, [], HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadObjectAsync(response, "get " + path, cancellationToken);
    }

    /// <summary>POST <paramref name="body"/> to <paramref name="collectionPath"/>: the created object; 409 AlreadyExists throws.</summary>
    public Task<JsonObject> CreateJsonAsync(string collectionPath, JsonObject body, CancellationToken cancellationToken) =>
        WriteJsonAsync(HttpMethod.Post, collectionPath, body, "application/json", cancellationToken);

    /// <summary>PUT <paramref name="body"/>, whose metadata.resourceVersion makes it conditional (409 Conflict when stale).</summary>
    public Task<JsonObject> ReplaceJsonAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        WriteJsonAsync(HttpMethod.Put, path, body, "application/json", cancellationToken);

    public void Dispose() => _client.Dispose();

    private async Task<JsonObject> WriteJsonAsync(HttpMethod method, string path, JsonObject body, string contentType, CancellationToken cancellationToken)
    {
        var operation = method.Method.ToLowerInvariant() + " " + path;
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await SendAsync(path, [], HttpCompletionOption.ResponseContentRead, cancellationToken, method, content);
        return await ReadObjectAsync(response, operation, cancellationToken);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, operation, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonNode.ParseAsync(body, cancellationToken: cancellationToken) as JsonObject
            ?? throw new JsonException($"{operation}: the response body is not a JSON object");
    }

    private async Task<ListPage<TObject>> ListAsync<TObject, TList>(
        string path, JsonTypeInfo<TList> listType, ListOptions options, string? continueToken, CancellationToken cancellationToken)
        where TList : IKubernetesObject<V1ListMeta>, IItems<TObject>
    {
        var query = new List<string>();
        Add(query, "labelSelector", options.LabelSelector);
        Add(query, "fieldSelector", options.FieldSelector);
        Add(query, "limit", options.Limit > 0 ? options.Limit.ToString(CultureInfo.InvariantCulture) : null);
        Add(query, "continue", continueToken);
        Add(query, "resourceVersion", continueToken is null ? options.ResourceVersion : null);
        using var response = await SendAsync(path, query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return ListPage<TObject>.Of(await ReadAsync(response, "list " + path, listType, cancellationToken));
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string operation, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, operation, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
            ?? throw new JsonException($"{operation}: the response body is null");
    }

    private async IAsyncEnumerable<WatchEvent<TObject>> WatchAsync<TObject>(
        string path,
        JsonTypeInfo<TObject> objectType,
        ListOptions options,
        string resourceVersion,
        TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)timeout.TotalSeconds);
        var query = new List<string> { "watch=1" };
        Add(query, "labelSelector", options.LabelSelector);
        Add(query, "fieldSelector", options.FieldSelector);
        Add(query, "resourceVersion", resourceVersion);
        Add(query, "allowWatchBookmarks", "true");
        Add(query, "timeoutSeconds", seconds.ToString(CultureInfo.InvariantCulture));
        var operation = "watch " + path;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds) + WatchGrace);
        using var response = await SendAsync(path, query, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
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
                    if (!IsBlank(line) && ParseEvent(line, operation, objectType) is { } watchEvent)
                    {
                        yield return watchEvent;
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

    /// <summary>A request (GET unless told) through the library's HttpClient, authenticated as the library authenticates its own.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        string path, List<string> query, HttpCompletionOption completion, CancellationToken cancellationToken, HttpMethod? method = null, HttpContent? content = null)
    {
        var uri = new Uri(_client.BaseUri, path.TrimStart('/') + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(_tlsServerName))
        {
            // As the library sends its own requests with tls-server-name.
            request.Headers.Host = _tlsServerName;
        }

        return await _client.HttpClient.SendAsync(request, completion, cancellationToken);
    }

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }

    /// <summary>The event, or null for a type this client does not know. ERROR throws.</summary>
    private static WatchEvent<TObject>? ParseEvent<TObject>(ReadOnlySequence<byte> line, string operation, JsonTypeInfo<TObject> objectType)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var typeElement)
            || !root.TryGetProperty("object", out var obj)
            || obj.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"{operation}: a watch event without type or object");
        }

        WatchEventType? type = typeElement.GetString() switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => throw KubernetesApiException.FromStatus(operation, obj, (int)HttpStatusCode.InternalServerError),
            _ => null,
        };
        return type is { } eventType ? new WatchEvent<TObject>(eventType, obj.Deserialize(objectType)!) : null;
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

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw KubernetesApiException.FromBody(
                operation, (int)response.StatusCode, response.ReasonPhrase, await KubernetesApiException.ReadBodyAsync(response, cancellationToken));
        }
    }

    private sealed class Collection<TObject, TList>(
        KubernetesApi api,
        string path,
        JsonTypeInfo<TObject> objectType,
        JsonTypeInfo<TList> listType) : IListWatch<TObject>
        where TList : IKubernetesObject<V1ListMeta>, IItems<TObject>
    {
        private Prefetched? _prefetched;

        public string Path => path;

        public void Prefetch(ListOptions options)
        {
            var page = api.ListAsync<TObject, TList>(path, listType, options, continueToken: null, CancellationToken.None);

            // Observed, so a prefetch nobody takes never surfaces as an unobserved exception.
            _ = page.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            _prefetched = new Prefetched(options, page);
        }

        public Task<ListPage<TObject>> ListAsync(ListOptions options, string? continueToken, CancellationToken cancellationToken)
        {
            if (continueToken is null && Interlocked.Exchange(ref _prefetched, null) is { } prefetched && prefetched.Options == options)
            {
                return prefetched.Page.WaitAsync(cancellationToken);
            }

            return api.ListAsync<TObject, TList>(path, listType, options, continueToken, cancellationToken);
        }

        private sealed record Prefetched(ListOptions Options, Task<ListPage<TObject>> Page);

        public IAsyncEnumerable<WatchEvent<TObject>> WatchAsync(ListOptions options, string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken) =>
            api.WatchAsync(path, objectType, options, resourceVersion, timeout, cancellationToken);
    }
}
