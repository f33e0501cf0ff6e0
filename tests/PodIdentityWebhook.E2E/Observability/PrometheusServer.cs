using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Observability;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package) on loopback, scraping one target every
/// second and evaluating a rule file every second, queried through its HTTP API as Grafana and
/// Alertmanager read it. Its data lives in a folder of its own, deleted on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    /// <summary>Where Debian installs it; .ci/run installs the package.</summary>
    public const string Binary = "/usr/bin/prometheus";

    /// <summary>promtool, from the same package.</summary>
    public const string Promtool = "/usr/bin/promtool";

    private readonly ManagedProcess _process;
    private readonly string _folder;
    private readonly HttpClient _http;

    private PrometheusServer(ManagedProcess process, string folder, Uri api)
    {
        _process = process;
        _folder = folder;
        _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Fails with what to install when the package is missing, rather than skipping.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(Binary) || !File.Exists(Promtool))
        {
            throw new InvalidOperationException(
                $"{Binary} and {Promtool} are missing: install Debian's prometheus package (scripts/apt.sh install --no-install-recommends prometheus; .ci/run does)");
        }
    }

    /// <param name="target">The webhook's metrics port.</param>
    /// <param name="labels">Target labels, as a ServiceMonitor would set them (namespace, service).</param>
    /// <param name="rules">A rule file (Prometheus's groups format) to evaluate.</param>
    public static async Task<PrometheusServer> StartAsync(IPEndPoint target, IReadOnlyDictionary<string, string> labels, string rules)
    {
        RequireInstalled();
        var folder = Directory.CreateTempSubdirectory("piw-prometheus-").FullName;
        var rulesFile = Path.Combine(folder, "rules.yml");
        await File.WriteAllTextAsync(rulesFile, rules);
        // JSON is YAML: the configuration is written as JSON to need no YAML writer.
        var config = new JsonObject
        {
            ["global"] = new JsonObject { ["scrape_interval"] = "1s", ["scrape_timeout"] = "900ms", ["evaluation_interval"] = "1s" },
            ["rule_files"] = new JsonArray(rulesFile),
            ["scrape_configs"] = new JsonArray(new JsonObject
            {
                ["job_name"] = "pod-identity-webhook",
                ["static_configs"] = new JsonArray(new JsonObject
                {
                    ["targets"] = new JsonArray(target.ToString()),
                    ["labels"] = new JsonObject([.. labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value)))]),
                }),
            }),
        };
        var configFile = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config.ToJsonString());
        await Tool.RunCheckedAsync(Promtool, ["check", "config", configFile]);

        var port = ControlPlaneFixture.FreePort();
        var process = ManagedProcess.Start(Binary,
        [
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + Path.Combine(folder, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
        ], Path.Combine(folder, "prometheus.log"));
        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        await server.WaitUntilReadyAsync();
        return server;
    }

    public string Tail(int lines = 20) => _process.Tail(lines);

    /// <summary>An instant query; the <c>result</c> array (empty when no series matches).</summary>
    public async Task<JsonArray> QueryAsync(string expression)
    {
        using var content = new FormUrlEncodedContent([KeyValuePair.Create("query", expression)]);
        using var response = await _http.PostAsync("api/v1/query", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (body["status"]?.GetValue<string>() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused the query {expression}: {body["error"]}");
        }

        return body["data"]!["result"]!.AsArray();
    }

    /// <summary>Every alerting rule as Prometheus evaluates it: name → (state, health, last error).</summary>
    public async Task<IReadOnlyDictionary<string, (string State, string Health, string? Error)>> AlertRulesAsync()
    {
        var body = JsonNode.Parse(await _http.GetStringAsync("api/v1/rules?type=alert"))!;
        return body["data"]!["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray())
            .ToDictionary(
                r => r!["name"]!.GetValue<string>(),
                r => (r!["state"]!.GetValue<string>(), r["health"]!.GetValue<string>(), r["lastError"]?.GetValue<string>()),
                StringComparer.Ordinal);
    }

    /// <summary>The health of the one scrape target: "up", "down" or "unknown" (also before it is discovered).</summary>
    public async Task<string> TargetHealthAsync()
    {
        var body = JsonNode.Parse(await _http.GetStringAsync("api/v1/targets?state=active"))!;
        return body["data"]!["activeTargets"]!.AsArray().SingleOrDefault()?["health"]?.GetValue<string>() ?? "unknown";
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Still closing its files: not worth failing the run for.
        }
    }

    private Task WaitUntilReadyAsync() =>
        _process.WaitUntilServingAsync(_http, new Uri(_http.BaseAddress!, "-/ready"), "prometheus", TimeSpan.FromMilliseconds(100));
}
