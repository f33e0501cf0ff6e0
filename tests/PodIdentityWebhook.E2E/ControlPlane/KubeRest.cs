using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// Test-side calls to the API server (get, create, merge-patch, delete) as one identity: the
/// admin token of our own control plane, a kubeconfig's user, or a token under test.
/// </summary>
internal sealed class KubeRest : IDisposable
{
    private readonly HttpClient _http;
    private readonly IDisposable? _owner;

    public KubeRest(Uri server, string token, string caPem)
        : this(server, TrustingHandler(caPem), token)
    {
    }

    private KubeRest(Uri server, HttpMessageHandler handler, string? token)
    {
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private KubeRest(HttpClient http, IDisposable owner)
    {
        _http = http;
        _owner = owner;
    }

    public Uri Server => _http.BaseAddress!;

    /// <summary>
    /// A client for a kubeconfig's current context, read as the product reads it (KubernetesClient.Aot):
    /// token, token file, client certificate (k3s writes client certificates) or exec plugin, and its CA.
    /// </summary>
    public static KubeRest FromKubeconfig(string path)
    {
        var configuration = PodIdentityWebhook.Kubernetes.KubernetesConnections.FromFlags(path, "");
        var credentials = new CredentialsHandler();
        var client = new k8s.Kubernetes(configuration, credentials);
        credentials.Credentials = client.Credentials;
        client.HttpClient.BaseAddress = new Uri(configuration.Host);
        client.HttpClient.Timeout = TimeSpan.FromSeconds(30);
        return new KubeRest(client.HttpClient, client);
    }

    /// <summary>A handler that trusts exactly the given CA, as a kubeconfig's certificate-authority-data does.</summary>
    public static SocketsHttpHandler TrustingHandler(string caPem)
    {
        var trust = Trusting(caPem);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => trust(certificate);
        return handler;
    }

    /// <summary>Accepts exactly the certificates <paramref name="caPem"/> issued.</summary>
    public static Func<X509Certificate?, bool> Trusting(string caPem)
    {
        var ca = X509Certificate2.CreateFromPem(caPem);
        return certificate =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }

    public async Task<HttpStatusCode> GetStatusAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    public async Task<JsonNode?> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, "GET " + path);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates the object, or merge-patches it when it already exists (what kubectl apply amounts to here).</summary>
    public async Task<JsonNode> ApplyAsync(string collectionPath, JsonObject body)
    {
        try
        {
            return await CreateAsync(collectionPath, body);
        }
        catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            var name = body["metadata"]!["name"]!.GetValue<string>();
            return await MergePatchAsync($"{collectionPath}/{name}", body);
        }
    }

    public async Task<JsonNode> CreateAsync(string collectionPath, JsonNode body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(collectionPath, UriKind.Relative), content);
        await EnsureAsync(response, "POST " + collectionPath);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task<JsonNode> MergePatchAsync(string path, JsonNode patch)
    {
        using var content = new StringContent(patch.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await _http.SendAsync(request);
        await EnsureAsync(response, "PATCH " + path);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>A server-side apply of <paramref name="body"/> (a full object) as <paramref name="fieldManager"/>.</summary>
    public async Task<JsonNode> ServerSideApplyAsync(string path, JsonNode body, string fieldManager)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
        var uri = new Uri($"{path}?fieldManager={Uri.EscapeDataString(fieldManager)}", UriKind.Relative);
        using var request = new HttpRequestMessage(HttpMethod.Patch, uri) { Content = content };
        using var response = await _http.SendAsync(request);
        await EnsureAsync(response, "PATCH (apply) " + path);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task DeleteAsync(string path)
    {
        using var response = await _http.DeleteAsync(new Uri(path, UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureAsync(response, "DELETE " + path);
        }
    }

    public Task<JsonNode> CreateNamespaceAsync(string name) =>
        CreateAsync("/api/v1/namespaces", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name },
        });

    public Task<JsonNode> CreateServiceAccountAsync(string @namespace, string name, IReadOnlyDictionary<string, string>? annotations = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (annotations is not null)
        {
            var node = new JsonObject();
            foreach (var (key, value) in annotations)
            {
                node[key] = value;
            }

            metadata["annotations"] = node;
        }

        return CreateAsync($"/api/v1/namespaces/{@namespace}/serviceaccounts",
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = metadata });
    }

    public void Dispose()
    {
        _http.Dispose();
        _owner?.Dispose();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"{what}: {(int)response.StatusCode} {body}", null, response.StatusCode);
        }
    }

    /// <summary>Authenticates each request as the library authenticates its own.</summary>
    private sealed class CredentialsHandler : DelegatingHandler
    {
        public k8s.Authentication.ServiceClientCredentials? Credentials { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Credentials is not null)
            {
                await Credentials.ProcessHttpRequestAsync(request, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
