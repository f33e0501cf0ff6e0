using System.Text.Json;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// Reads the account and region of the node from the EC2 instance identity document over
/// IMDSv2 (--compose-role-arn), once at startup. Each call is bounded and retried a few
/// times, because IMDS can be slow to answer right after a node boots.
/// </summary>
internal sealed class InstanceIdentityClient
{
    private const int Attempts = 3;

    private readonly HttpClient _http;
    private readonly string _endpoint;
    private readonly TimeSpan _callTimeout;
    private readonly TimeSpan _retryDelay;

    /// <param name="endpoint">Base URL, normally <see cref="EndpointFromEnvironment"/>.</param>
    /// <param name="callTimeout">Limit for each HTTP call; 2 s when null.</param>
    /// <param name="retryDelay">Pause between attempts; 200 ms when null.</param>
    public InstanceIdentityClient(HttpClient http, string endpoint, TimeSpan? callTimeout = null, TimeSpan? retryDelay = null)
    {
        _http = http;
        _endpoint = endpoint.TrimEnd('/');
        _callTimeout = callTimeout ?? TimeSpan.FromSeconds(2);
        _retryDelay = retryDelay ?? TimeSpan.FromMilliseconds(200);
    }

    public string Endpoint => _endpoint;

    /// <summary>The IMDS endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT when set, as the AWS SDKs honour it.</summary>
    public static string EndpointFromEnvironment()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(IdentityConstants.Ec2MetadataEndpointEnv);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? IdentityConstants.DefaultImdsEndpoint : fromEnvironment.Trim();
    }

    /// <summary>
    /// Fetches the document. Throws <see cref="ConfigurationException"/> naming the flag and
    /// the endpoint when it cannot.
    /// </summary>
    public async Task<AwsAccountInfo> GetAccountInfoAsync(CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                var token = await SendAsync(HttpMethod.Put, IdentityConstants.ImdsTokenPath, IdentityConstants.ImdsTokenTtlHeader,
                    IdentityConstants.ImdsTokenTtlSeconds, cancellationToken);
                var document = await SendAsync(HttpMethod.Get, IdentityConstants.ImdsIdentityDocumentPath, IdentityConstants.ImdsTokenHeader,
                    token.Trim(), cancellationToken);
                return ParseDocument(document);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }

            if (attempt < Attempts)
            {
                await Task.Delay(_retryDelay, cancellationToken);
            }
        }

        throw Failure(last!.Message, last);
    }

    private async Task<string> SendAsync(HttpMethod method, string path, string header, string value, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_callTimeout);
        using var request = new HttpRequestMessage(method, new Uri(_endpoint + path));
        request.Headers.Add(header, value);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{method} {path} returned {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            return body;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{method} {path} did not answer within {_callTimeout.TotalSeconds:0.#} s");
        }
    }

    private AwsAccountInfo ParseDocument(string document)
    {
        string? accountId = null;
        string? region = null;
        try
        {
            using var json = JsonDocument.Parse(document);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                accountId = StringProperty(json.RootElement, "accountId");
                region = StringProperty(json.RootElement, "region");
            }
        }
        catch (JsonException ex)
        {
            throw Failure("the document is not JSON: " + ex.Message, ex);
        }

        // The reference goes on with whatever the document holds; so does this webhook, and
        // the caller warns (AwsAccountInfo.IsComplete).
        return AwsAccountInfo.FromRegion(accountId ?? "", region ?? "");
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private ConfigurationException Failure(string detail, Exception? inner)
    {
        var message = $"{IdentityConstants.ComposeRoleArnFlag}: could not read the instance identity document from {_endpoint}: {detail}";
        return inner is null ? new ConfigurationException(message) : new ConfigurationException(message, inner);
    }
}
