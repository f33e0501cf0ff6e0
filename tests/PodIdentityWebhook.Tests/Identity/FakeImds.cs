using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PodIdentityWebhook.Tests.Identity;

/// <summary>
/// A minimal IMDSv2 on loopback: PUT a token (TTL header required), then GET the identity
/// document with that token; anything else is 401, as the real service answers.
/// </summary>
internal sealed class FakeImds : IAsyncDisposable
{
    public const string IssuedToken = "issued-token";

    private readonly WebApplication _app;

    private FakeImds(WebApplication app) => _app = app;

    public string Endpoint => _app.Urls.First();

    /// <summary>The token the document GET must carry; a different one than issued makes every GET fail.</summary>
    public string AcceptedToken { get; set; } = IssuedToken;

    public string Document { get; set; } = """{"accountId":"111122223333","region":"us-gov-west-1","instanceId":"i-1"}""";

    public TimeSpan DocumentDelay { get; set; } = TimeSpan.Zero;

    public int DocumentRequests;

    public static async Task<FakeImds> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var imds = new FakeImds(app);
        app.MapPut("/latest/api/token", (HttpRequest request) =>
            request.Headers["X-aws-ec2-metadata-token-ttl-seconds"] == "21600"
                ? Results.Text(IssuedToken)
                : Results.BadRequest());
        app.MapGet("/latest/dynamic/instance-identity/document", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            Interlocked.Increment(ref imds.DocumentRequests);
            if (request.Headers["X-aws-ec2-metadata-token"] != imds.AcceptedToken)
            {
                return Results.Unauthorized();
            }

            await Task.Delay(imds.DocumentDelay, cancellationToken);
            return Results.Text(imds.Document, "text/plain");
        });
        await app.StartAsync();
        return imds;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
