using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.E2E.Hostile;

/// <summary>The webhook under attack, and the tally of what it answered the attacker.</summary>
internal sealed class AttackTarget(Uri url, Func<X509Certificate?, bool> trust)
{
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    public Uri Url => url;

    /// <summary>HTTP status codes ("413") and "closed" (the webhook closed before answering), with counts.</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    public int ServerErrors => _outcomes.Where(o => o.Key.Length == 3 && o.Key[0] == '5').Sum(o => o.Value);

    public void Record(HttpStatusCode status) => Record(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Record(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary>Records the status line of a raw answer, or "closed" when there was none.</summary>
    public void RecordHead(string? head) =>
        Record(head is { Length: >= 12 } && head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? head.Substring(9, 3) : "closed");

    public Task<RawHttpConnection> OpenRawAsync() => RawHttpConnection.OpenAsync(url, trust);

    public HttpClient Client(Version version, int connections = 1) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => trust(certificate) },
        MaxConnectionsPerServer = connections,
        EnableMultipleHttp2Connections = false,
    })
    {
        BaseAddress = url,
        DefaultRequestVersion = version,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
