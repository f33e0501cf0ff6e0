using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace PodIdentityWebhook.Tests.Kubernetes;

/// <summary>
/// An API server for ServiceAccounts (and ConfigMaps) on loopback that tests steer: objects with a global
/// resourceVersion, an event log that watches replay from their resourceVersion (410 once
/// compacted), paged lists from a snapshot, and injected faults (500s, a slow list, a watch
/// cut mid-event, 410 as a response or as an ERROR event, bookmarks). It can stop and start
/// again on the same port with its state kept, like an API server restart.
/// </summary>
internal sealed partial class FakeApiServer : IAsyncDisposable
{
    public const string CollectionPath = "/api/v1/serviceaccounts";
    public const string RoleAnnotation = "eks.amazonaws.com/role-arn";

    private const string ServiceAccounts = "serviceaccounts";
    private const string ConfigMaps = "configmaps";

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Line, string Key)> _log = [];
    private readonly List<(Channel<WatchStep> Channel, Scope Scope)> _watchers = [];
    private readonly ConcurrentDictionary<string, (List<string> Items, long Version)> _snapshots = new();
    private readonly X509Certificate2? _serverCertificate;
    private readonly Func<X509Certificate2, bool>? _acceptClient;
    private WebApplication? _app;
    private long _version = 100;
    private long _compactedBelow;
    private int _listFailures;
    private int _watchFailures;

    private FakeApiServer(int port, X509Certificate2? serverCertificate, Func<X509Certificate2, bool>? acceptClient)
    {
        Port = port;
        _serverCertificate = serverCertificate;
        _acceptClient = acceptClient;
    }

    public int Port { get; }

    public string Url => $"{(_serverCertificate is null ? "http" : "https")}://127.0.0.1:{Port}";

    /// <summary>Every request, as "LIST ?query" or "WATCH ?query", in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string?> Authorizations { get; } = new();

    /// <summary>The User-Agent of every list, watch and get, in order.</summary>
    public ConcurrentQueue<string> UserAgents { get; } = new();

    /// <summary>Lists wait for this; replace it with an incomplete one to hold lists.</summary>
    public TaskCompletionSource ListGate { get; set; } = Completed();

    /// <summary>When set, injected watch failures come as 200 and an ERROR event with code 500, not a 500 response.</summary>
    public bool FailWithErrorEvent { get; set; }

    /// <summary>When set, an expired watch gets 200 and an ERROR event instead of a 410 response.</summary>
    public bool ExpireWithErrorEvent { get; set; }

    public int ActiveWatches
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    public long Version => Interlocked.Read(ref _version);

    public IEnumerable<string> Lists => Requests.Where(r => r.StartsWith("LIST", StringComparison.Ordinal));

    public IEnumerable<string> Watches => Requests.Where(r => r.StartsWith("WATCH", StringComparison.Ordinal));

    /// <summary>Every GET of one ServiceAccount, as "GET ns/name".</summary>
    public IEnumerable<string> Gets => Requests.Where(r => r.StartsWith("GET", StringComparison.Ordinal));

    /// <summary>GETs of one object wait for this; replace it with an incomplete one to hold them.</summary>
    public TaskCompletionSource GetGate { get; set; } = Completed();

    /// <summary>A server on a free loopback port.</summary>
    public static async Task<FakeApiServer> StartAsync(X509Certificate2? serverCertificate = null, Func<X509Certificate2, bool>? acceptClient = null)
    {
        var server = new FakeApiServer(FreePort(), serverCertificate, acceptClient);
        await server.StartAsync();
        return server;
    }

    /// <summary>A server that is not listening yet: the API server is down.</summary>
    public static FakeApiServer CreateStopped() => new(FreePort(), null, null);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port, listen =>
        {
            if (_serverCertificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = _serverCertificate;
                    if (_acceptClient is not null)
                    {
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (certificate, _, _) => _acceptClient(certificate);
                    }
                });
            }
        }));
        var app = builder.Build();
        app.MapGet(CollectionPath, context => HandleCollectionAsync(context, new Scope(ServiceAccounts, null, null)));
        app.MapGet("/api/v1/namespaces/{ns}/configmaps", context =>
            HandleCollectionAsync(context, new Scope(ConfigMaps, (string)context.Request.RouteValues["ns"]!, null)));
        app.MapGet("/api/v1/namespaces/{ns}/serviceaccounts/{name}", async (string ns, string name, HttpContext context) =>
        {
            Requests.Enqueue($"GET {ns}/{name}");
            UserAgents.Enqueue(context.Request.Headers.UserAgent.ToString());
            await GetGate.Task.WaitAsync(context.RequestAborted);
            lock (_gate)
            {
                return _objects.TryGetValue(Key(ServiceAccounts, ns, name), out var obj)
                    ? Results.Text(obj.ToJsonString(), "application/json")
                    : Results.Text(Status(404, "NotFound", $"serviceaccounts \"{name}\" not found"), "application/json", statusCode: 404);
            }
        });
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Ends open watches and stops listening: the API server goes away.</summary>
    public async Task StopAsync()
    {
        EndWatches();
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Creates or replaces a ServiceAccount; <paramref name="notify"/> false changes it behind the watches' back.</summary>
    public void Put(string ns, string name, string? role = null, bool notify = true)
    {
        lock (_gate)
        {
            var version = Interlocked.Increment(ref _version);
            var annotations = new JsonObject();
            if (role is not null)
            {
                annotations[RoleAnnotation] = role;
            }

            var obj = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ServiceAccount",
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["namespace"] = ns,
                    ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture),
                    ["annotations"] = annotations,
                },
            };
            Store(Key(ServiceAccounts, ns, name), obj, version, notify);
        }
    }

    public void Delete(string ns, string name, bool notify = true) => Remove(Key(ServiceAccounts, ns, name), notify);

    /// <summary>Creates or replaces a ConfigMap with the given data (none when null).</summary>
    public void PutConfigMap(string ns, string name, IReadOnlyDictionary<string, string>? data)
    {
        lock (_gate)
        {
            var version = Interlocked.Increment(ref _version);
            var obj = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["namespace"] = ns,
                    ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture),
                },
            };
            if (data is not null)
            {
                var values = new JsonObject();
                foreach (var (key, value) in data)
                {
                    values[key] = value;
                }

                obj["data"] = values;
            }

            Store(Key(ConfigMaps, ns, name), obj, version, notify: true);
        }
    }

    public void DeleteConfigMap(string ns, string name) => Remove(Key(ConfigMaps, ns, name), notify: true);

    /// <summary>Sends a BOOKMARK at a new resourceVersion to open watches and returns it.</summary>
    public string Bookmark()
    {
        lock (_gate)
        {
            var version = Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture);
            var line = Event("BOOKMARK", $$$"""{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"resourceVersion":"{{{version}}}"}}""");
            foreach (var watcher in _watchers)
            {
                watcher.Channel.Writer.TryWrite(new WatchStep(line, Cut: false));
            }

            return version;
        }
    }

    /// <summary>Forgets history: a watch from an older resourceVersion gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedBelow = Version;
            _log.Clear();
        }
    }

    /// <summary>Closes every open watch cleanly, as the server does at timeoutSeconds.</summary>
    public void EndWatches()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Channel.Writer.TryComplete();
            }
        }
    }

    /// <summary>
    /// Puts an object and sends open watches only half its event line, then cuts the
    /// connection (abort) or ends the body. The event is in the history, so a re-watch gets it whole.
    /// </summary>
    public void PutAndCutMidEvent(string ns, string name, string role, bool abort)
    {
        lock (_gate)
        {
            Put(ns, name, role, notify: false);
            var key = Key(ServiceAccounts, ns, name);
            var line = Event("ADDED", _objects[key].ToJsonString());
            _log.Add((Version, line, key));
            foreach (var watcher in _watchers.Where(w => w.Scope.Matches(key)))
            {
                watcher.Channel.Writer.TryWrite(new WatchStep(line[..(line.Length / 2)], Cut: true, Abort: abort));
            }
        }
    }

    public void FailLists(int times) => Interlocked.Exchange(ref _listFailures, times);

    public void FailWatches(int times) => Interlocked.Exchange(ref _watchFailures, times);

    public async ValueTask DisposeAsync() => await StopAsync();

    private static string Event(string type, string objectJson) => $$"""{"type":"{{type}}","object":{{objectJson}}}""";

    private static string Status(int code, string reason, string message) =>
        new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["code"] = code, ["reason"] = reason, ["message"] = message }.ToJsonString();

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Key(string resource, string ns, string name) => $"{resource}/{ns}/{name}";

    // Callers hold _gate.
    private void Store(string key, JsonObject obj, long version, bool notify)
    {
        var type = _objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
        _objects[key] = obj;
        Record(version, Event(type, obj.ToJsonString()), key, notify);
    }

    private void Remove(string key, bool notify)
    {
        lock (_gate)
        {
            if (!_objects.Remove(key, out var obj))
            {
                return;
            }

            var version = Interlocked.Increment(ref _version);
            obj["metadata"]!["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            Record(version, Event("DELETED", obj.ToJsonString()), key, notify);
        }
    }

    // Callers hold _gate.
    private void Record(long version, string line, string key, bool notify)
    {
        if (!notify)
        {
            return;
        }

        _log.Add((version, line, key));
        foreach (var watcher in _watchers.Where(w => w.Scope.Matches(key)))
        {
            watcher.Channel.Writer.TryWrite(new WatchStep(line, Cut: false));
        }
    }

    private readonly record struct WatchStep(string Line, bool Cut, bool Abort = false);

    /// <summary>What a list or watch covers: a resource, optionally one namespace, optionally one name (a field selector).</summary>
    private readonly record struct Scope(string Resource, string? Namespace, string? Name)
    {
        public bool Matches(string key)
        {
            var parts = key.Split('/');
            return parts[0] == Resource
                && (Namespace is null || parts[1] == Namespace)
                && (Name is null || parts[2] == Name);
        }
    }
}
