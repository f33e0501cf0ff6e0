using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>
/// What the API server sees during an attack: an ordinary pod's review every 100 ms on a
/// connection of its own, timed, and whether it came back mutated.
/// </summary>
internal sealed class OrdinaryProbe(AttackTarget target)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly byte[] _review = Encoding.UTF8.GetBytes(HostileScenarios.OrdinaryReview());
    private readonly List<double> _latenciesMs = [];
    private readonly HttpClient _http = target.Client(HttpVersion.Version11);

    public int Answered { get; private set; }

    /// <summary>Errors, 5xx, timeouts, answers without a patch: each with what happened.</summary>
    public List<string> Failures { get; } = [];

    public double P99Ms => _latenciesMs.Count == 0 ? double.NaN : _latenciesMs.Order().ElementAt((int)Math.Ceiling(_latenciesMs.Count * 0.99) - 1);

    public async Task WarmAsync()
    {
        for (var i = 0; i < 50; i++)
        {
            await SendAsync(record: false);
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var next = Task.Delay(Interval, CancellationToken.None);
            await SendAsync(record: true);
            await next;
        }

        _http.Dispose();
    }

    private async Task SendAsync(bool record)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var content = new ByteArrayContent(_review);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await _http.PostAsync(target.Url, content, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!record)
            {
                return;
            }

            _latenciesMs.Add(clock.Elapsed.TotalMilliseconds);
            if (response.StatusCode == HttpStatusCode.OK && body.Contains("\"patch\"", StringComparison.Ordinal))
            {
                Answered++;
            }
            else
            {
                Failures.Add($"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            if (record)
            {
                Failures.Add(ex.Message);
            }
        }
    }
}
