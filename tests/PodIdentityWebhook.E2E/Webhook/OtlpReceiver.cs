using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static PodIdentityWebhook.E2E.Webhook.ProtobufWire;

namespace PodIdentityWebhook.E2E.Webhook;

/// <summary>
/// A stand-in OpenTelemetry collector on loopback, so a test can see what the published webhook
/// really sends: OTLP over gRPC (HTTP/2 without TLS, each request one length-prefixed message,
/// answered with an empty message and <c>grpc-status: 0</c>) or over HTTP (protobuf POSTed to
/// <c>/v1/traces</c> and <c>/v1/metrics</c>, answered 200 with an empty body). It keeps every
/// export request and decodes the spans and metrics with <see cref="ProtobufWire"/>.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    private const string GrpcTraces = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private const string GrpcMetrics = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _traces = new();
    private readonly ConcurrentQueue<byte[]> _metrics = new();
    private readonly ConcurrentQueue<string> _requests = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The endpoint to give the webhook as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Every request seen, as "METHOD path HTTP/x content-type -> answer", for failure messages.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>A receiver of <paramref name="protocol"/> (<see cref="Grpc"/> or <see cref="HttpProtobuf"/>) on a free loopback port.</summary>
    public static async Task<OtlpReceiver> StartAsync(string protocol)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            listen.Protocols = protocol == Grpc ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(context => protocol == Grpc ? receiver.AnswerGrpcAsync(context) : receiver.AnswerHttpAsync(context));
        await app.StartAsync();
        receiver.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    /// <summary>Every span received so far, with its scope's and resource's facts.</summary>
    public IReadOnlyList<ExportedSpan> Spans() =>
    [
        // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, scope_spans = 2;
        // ScopeSpans.scope = 1, spans = 2; Span.name = 5, attributes = 9.
        .. from request in _traces
           from resourceSpans in All(request, 1)
           let resource = ResourceAttributes(resourceSpans)
           from scopeSpans in All(resourceSpans, 2)
           let scope = ScopeName(scopeSpans)
           from span in All(scopeSpans, 2)
           select new ExportedSpan(Text(span, 5) ?? "", Attributes(span, 9), scope, resource),
    ];

    /// <summary>Every metric received so far (one per export request that held it), with its number data points.</summary>
    public IReadOnlyList<ExportedMetric> Metrics() =>
    [
        // ExportMetricsServiceRequest.resource_metrics = 1; ResourceMetrics.resource = 1, scope_metrics = 2;
        // ScopeMetrics.scope = 1, metrics = 2; Metric.name = 1, gauge = 5, sum = 7.
        .. from request in _metrics
           from resourceMetrics in All(request, 1)
           let resource = ResourceAttributes(resourceMetrics)
           from scopeMetrics in All(resourceMetrics, 2)
           let scope = ScopeName(scopeMetrics)
           from metric in All(scopeMetrics, 2)
           select new ExportedMetric(Text(metric, 1) ?? "", NumberPoints(metric), scope, resource),
    ];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Resource.attributes = 1 of the Resource in field 1.</summary>
    private static Dictionary<string, string> ResourceAttributes(ReadOnlyMemory<byte> resourceItems) =>
        One(resourceItems, 1) is { } resource ? Attributes(resource, 1) : [];

    /// <summary>InstrumentationScope.name = 1 of the scope in field 1.</summary>
    private static string ScopeName(ReadOnlyMemory<byte> scopeItems) =>
        One(scopeItems, 1) is { } scope ? Text(scope, 1) ?? "" : "";

    /// <summary>Repeated KeyValue field <paramref name="number"/>: KeyValue.key = 1, value = 2.</summary>
    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int number)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in All(message, number))
        {
            attributes[Text(keyValue, 1) ?? ""] = One(keyValue, 2) is { } value ? AnyValueText(value) : "";
        }

        return attributes;
    }

    /// <summary>AnyValue as text: string_value = 1, bool_value = 2, int_value = 3, double_value = 4; the rest only named.</summary>
    private static string AnyValueText(ReadOnlyMemory<byte> anyValue)
    {
        var field = Fields(anyValue).LastOrDefault();
        return (field.Number, field.WireType) switch
        {
            (1, LengthDelimited) => System.Text.Encoding.UTF8.GetString(field.Bytes.Span),
            (2, Varint) => field.Scalar != 0 ? "true" : "false",
            (3, Varint) => ((long)field.Scalar).ToString(CultureInfo.InvariantCulture),
            (4, Fixed64) => BitConverter.Int64BitsToDouble((long)field.Scalar).ToString(CultureInfo.InvariantCulture),
            (0, _) => "",
            _ => $"(field {field.Number})",
        };
    }

    /// <summary>
    /// The data points of a gauge (Metric field 5) or sum (field 7), Gauge/Sum.data_points = 1:
    /// NumberDataPoint.attributes = 7, as_double = 4 (double), as_int = 6 (sfixed64). Histograms: none.
    /// </summary>
    private static List<NumberPoint> NumberPoints(ReadOnlyMemory<byte> metric) =>
    [
        .. from data in All(metric, 5).Concat(All(metric, 7))
           from point in All(data, 1)
           let value = Fields(point).LastOrDefault(f => f.WireType == Fixed64 && f.Number is 4 or 6)
           select new NumberPoint(
               Attributes(point, 7),
               value.Number == 4 ? BitConverter.Int64BitsToDouble((long)value.Scalar) : (long)value.Scalar),
    ];

    private async Task AnswerGrpcAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await ReadAllAsync(request.Body);
        var queue = request.Path.Value switch
        {
            GrpcTraces => _traces,
            GrpcMetrics => _metrics,
            _ => null,
        };

        // A gRPC message: 1 byte compressed flag, 4 bytes big-endian length, the message.
        var framed = body.Length >= 5 && body[0] == 0 && BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)) == body.Length - 5;
        var status = queue is null ? "12" : framed ? "0" : "3";
        Note(context, $"grpc-status {status}, {body.Length} bytes");
        if (queue is not null && framed)
        {
            queue.Enqueue(body[5..]);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", status);
        if (status == "0")
        {
            // The empty ExportTraceServiceResponse / ExportMetricsServiceResponse, framed.
            await context.Response.Body.WriteAsync(new byte[5]);
        }
    }

    private async Task AnswerHttpAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await ReadAllAsync(request.Body);
        var queue = (request.Method, request.Path.Value) switch
        {
            ("POST", "/v1/traces") => _traces,
            ("POST", "/v1/metrics") => _metrics,
            _ => null,
        };

        var protobuf = string.Equals(request.ContentType, "application/x-protobuf", StringComparison.Ordinal);
        var status = queue is null ? StatusCodes.Status404NotFound : protobuf ? StatusCodes.Status200OK : StatusCodes.Status415UnsupportedMediaType;
        Note(context, $"{status}, {body.Length} bytes");
        if (status == StatusCodes.Status200OK)
        {
            queue!.Enqueue(body);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength = 0;
    }

    private void Note(HttpContext context, string answer) =>
        _requests.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Request.Protocol} {context.Request.ContentType} -> {answer}");

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>One span: its name and attributes, its instrumentation scope's name, its resource's attributes.</summary>
    public sealed record ExportedSpan(
        string Name, IReadOnlyDictionary<string, string> Attributes, string Scope, IReadOnlyDictionary<string, string> Resource);

    /// <summary>One metric as one export request carried it: its name, its gauge or sum points, its scope and resource.</summary>
    public sealed record ExportedMetric(
        string Name, IReadOnlyList<NumberPoint> Points, string Scope, IReadOnlyDictionary<string, string> Resource);

    /// <summary>A gauge's or sum's data point: its attributes and its value (as_int or as_double).</summary>
    public sealed record NumberPoint(IReadOnlyDictionary<string, string> Attributes, double Value);
}
