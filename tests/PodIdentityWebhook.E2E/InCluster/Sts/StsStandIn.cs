using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// An STS and an EKS Pod Identity agent in the test process, over HTTPS under a CA of its
/// own, for a real AWS SDK to talk to: it trusts the cluster's ServiceAccount issuer as an
/// OIDC provider, validates tokens as STS does (the issuer's published keys, lifetime,
/// audience, the role's trust policy), and accepts GetCallerIdentity only when SigV4-signed
/// with credentials it issued. Every answer is logged for the tests to assert on.
/// </summary>
internal sealed class StsStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StandInCertificates _certificates;
    private readonly IssuerKeys _keys;
    private readonly Lock _answersLock = new();
    private readonly List<StsAnswer> _answers = [];

    private StsStandIn(StsStandInOptions options)
    {
        _certificates = StandInCertificates.Create(options.Address);
        _keys = new IssuerKeys(options.Issuer, options.IssuerCaPem);
        var validator = new WebIdentityTokenValidator(options.Issuer, _keys, options.Clock);
        var issuer = new CredentialIssuer(options.AccountId, options.Clock);
        var sts = new StsQueryEndpoint(options, validator, issuer, new SigV4Verifier(issuer, options.Clock), Record);
        var agent = new PodIdentityAgentEndpoint(options, validator, issuer, Record);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(options.Address, options.Port, listen => listen.UseHttps(_certificates.Serving)));
        _app = builder.Build();
        _app.MapPost("/", sts.HandleAsync);
        _app.MapGet("/v1/credentials", agent.HandleAsync);
    }

    /// <summary>The port it listens on: the one asked for, or the free one it took.</summary>
    public int Port { get; private set; }

    /// <summary>https://ADDRESS:PORT, for AWS_ENDPOINT_URL_STS.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The CA that signed the serving certificate, for SSL_CERT_FILE.</summary>
    public string CaPem => _certificates.CaPem;

    /// <summary>What it has answered so far, oldest first.</summary>
    public IReadOnlyList<StsAnswer> Answers
    {
        get
        {
            lock (_answersLock)
            {
                return [.. _answers];
            }
        }
    }

    public static async Task<StsStandIn> StartAsync(StsStandInOptions options)
    {
        var standIn = new StsStandIn(options);
        await standIn._app.StartAsync();
        var bound = standIn._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        standIn.Port = new Uri(bound).Port;
        standIn.Endpoint = new UriBuilder("https", options.Address.ToString(), standIn.Port).Uri;
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _keys.Dispose();
        _certificates.Dispose();
    }

    private void Record(StsAnswer answer)
    {
        lock (_answersLock)
        {
            _answers.Add(answer);
        }
    }
}
