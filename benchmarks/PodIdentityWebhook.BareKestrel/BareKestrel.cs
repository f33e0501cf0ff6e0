using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using PodIdentityWebhook.Certificates;
using PodIdentityWebhook.Hosting;

namespace PodIdentityWebhook.BareKestrel;

/// <summary>
/// The load test's yardstick: Kestrel on the same TLS settings as the webhook (a self-signed
/// P-256 certificate, TLS 1.2 floor, HTTP/1.1 and 2), reading the whole request body and
/// answering POST /mutate with a canned review of the webhook's own size. What is left between
/// the two is the webhook's work.
/// </summary>
internal static class BareKestrel
{
    public static async Task<int> RunAsync(int port, string responseFile)
    {
        var canned = await File.ReadAllBytesAsync(responseFile);
        var certificate = SelfSignedCertificate.Create();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, _) => certificate,
                    SslProtocols = TlsProtocols.From("1.2"),
                });
            });
        });
        var app = builder.Build();
        app.MapPost("/mutate", async (HttpContext context) =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(context.RequestAborted);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = canned.Length;
            await context.Response.Body.WriteAsync(canned, context.RequestAborted);
        });
        app.MapGet("/readyz", () => "ok");
        Console.WriteLine($"bare Kestrel on https://127.0.0.1:{port}/mutate answering {canned.Length} bytes");
        await app.RunAsync();
        return 0;
    }
}
