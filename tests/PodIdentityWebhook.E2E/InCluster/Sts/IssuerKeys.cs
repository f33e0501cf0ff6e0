using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// The signing keys an OIDC provider publishes, fetched as STS fetches them: anonymously over
/// HTTPS, the discovery document at {issuer}/.well-known/openid-configuration, then its
/// jwks_uri. Kept by kid; an unknown kid fetches again once, since issuers rotate keys.
/// </summary>
internal sealed class IssuerKeys(string issuer, string caPem) : IDisposable
{
    private readonly HttpClient _http = new(KubeRest.TrustingHandler(caPem)) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentDictionary<string, RSAParameters> _byKid = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetching = new(1, 1);

    public async Task<RSAParameters?> FindAsync(string kid)
    {
        if (_byKid.TryGetValue(kid, out var known))
        {
            return known;
        }

        await _fetching.WaitAsync();
        try
        {
            if (!_byKid.ContainsKey(kid))
            {
                await FetchAsync();
            }
        }
        finally
        {
            _fetching.Release();
        }

        return _byKid.TryGetValue(kid, out var fetched) ? fetched : null;
    }

    private async Task FetchAsync()
    {
        var discovery = JsonNode.Parse(await _http.GetStringAsync(issuer.TrimEnd('/') + "/.well-known/openid-configuration"))!;
        var jwks = JsonNode.Parse(await _http.GetStringAsync(discovery["jwks_uri"]!.GetValue<string>()))!;
        foreach (var key in jwks["keys"]!.AsArray())
        {
            if (key!["kty"]?.GetValue<string>() == "RSA" && key["kid"]?.GetValue<string>() is { } kid)
            {
                _byKid[kid] = new RSAParameters
                {
                    Modulus = Base64Url.DecodeFromChars(key["n"]!.GetValue<string>()),
                    Exponent = Base64Url.DecodeFromChars(key["e"]!.GetValue<string>()),
                };
            }
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _fetching.Dispose();
    }
}
