using System.Collections.Concurrent;
using System.Net;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>
/// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics and one trace per review go over
/// OTLP/HTTP to the collector named; a listener on loopback stands in for the collector.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Reviews_are_exported_as_metrics_and_traces_to_the_OTLP_endpoint()
    {
        using var collector = new FakeCollector();
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        var server = await WebhookServer.StartAsync(settings: settings);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.MutateAsync(Reviews.For(Reviews.Pod("s3-reader")).ToJsonString())).Status);
        }
        finally
        {
            // Stopping the host flushes both exporters: what was measured is sent now, not at the next interval.
            await server.DisposeAsync();
        }

        await Task.WhenAll(collector.Received("/v1/metrics"), collector.Received("/v1/traces")).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(collector.ContentTypes, type => Assert.Equal("application/x-protobuf", type));
    }

    [Fact]
    public async Task Without_the_endpoint_nothing_is_sent()
    {
        using var collector = new FakeCollector();
        await using (var server = await WebhookServer.StartAsync())
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.MutateAsync(Reviews.For(Reviews.Pod("s3-reader")).ToJsonString())).Status);
        }

        Assert.Empty(collector.ContentTypes);
    }

    /// <summary>Answers every POST with an empty OTLP response and notes its path.</summary>
    private sealed class FakeCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _paths = new(StringComparer.Ordinal);
        private readonly Task _loop;

        public FakeCollector()
        {
            var port = FreePort.Pick();
            Address = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Address + "/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Address { get; }

        public ConcurrentQueue<string?> ContentTypes { get; } = new();

        public Task Received(string path) => Path(path).Task;

        public void Dispose()
        {
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }

        private TaskCompletionSource Path(string path) =>
            _paths.GetOrAdd(path, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using (var body = new MemoryStream())
                {
                    await context.Request.InputStream.CopyToAsync(body);
                }

                ContentTypes.Enqueue(context.Request.ContentType);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.ContentLength64 = 0;
                context.Response.Close();
                if (context.Request.HttpMethod == "POST")
                {
                    Path(context.Request.Url!.AbsolutePath).TrySetResult();
                }
            }
        }
    }
}
