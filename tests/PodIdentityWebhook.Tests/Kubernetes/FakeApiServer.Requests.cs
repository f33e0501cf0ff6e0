using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace PodIdentityWebhook.Tests.Kubernetes;

/// <summary>
/// How the fake API server answers a collection request: a paged list from a snapshot, or a
/// watch that replays the event log from its resourceVersion, then streams new events, with
/// the injected faults applied.
/// </summary>
internal sealed partial class FakeApiServer
{
    private async Task HandleCollectionAsync(HttpContext context, Scope scope)
    {
        Authorizations.Enqueue(context.Request.Headers.Authorization.FirstOrDefault());
        UserAgents.Enqueue(context.Request.Headers.UserAgent.ToString());
        var watch = context.Request.Query["watch"] is var flag && (flag == "1" || flag == "true");
        var collection = scope.Resource == ServiceAccounts ? "" : $"{scope.Resource} ";
        Requests.Enqueue((watch ? "WATCH " : "LIST ") + collection + context.Request.QueryString.Value);
        var selector = context.Request.Query["fieldSelector"].ToString();
        if (selector.StartsWith("metadata.name=", StringComparison.Ordinal))
        {
            scope = scope with { Name = selector["metadata.name=".Length..] };
        }

        if (watch)
        {
            await WatchAsync(context, scope);
        }
        else
        {
            await ListAsync(context, scope);
        }
    }

    private async Task ListAsync(HttpContext context, Scope scope)
    {
        if (Interlocked.Decrement(ref _listFailures) >= 0)
        {
            await WriteStatusAsync(context, 500, "InternalError", "injected list failure");
            return;
        }

        await ListGate.Task.WaitAsync(context.RequestAborted);
        var limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : int.MaxValue;
        var token = context.Request.Query["continue"].ToString();
        var offset = 0;
        (List<string> Items, long Version) snapshot;
        if (token.Length > 0)
        {
            var parts = token.Split(':');
            snapshot = _snapshots[parts[0]];
            offset = int.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        else
        {
            lock (_gate)
            {
                snapshot = (_objects.Where(o => scope.Matches(o.Key)).Select(o => o.Value.ToJsonString()).ToList(), Version);
            }

            token = Guid.NewGuid().ToString("N");
            _snapshots[token] = snapshot;
        }

        var items = snapshot.Items.Skip(offset).Take(limit).ToList();
        var next = offset + items.Count < snapshot.Items.Count ? $"{token.Split(':')[0]}:{offset + items.Count}" : "";
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $$"""{"kind":"ServiceAccountList","apiVersion":"v1","metadata":{"resourceVersion":"{{snapshot.Version}}","continue":"{{next}}"},"items":[""")
            .AppendJoin(',', items)
            .Append("]}");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToString(), context.RequestAborted);
    }

    private async Task WatchAsync(HttpContext context, Scope scope)
    {
        if (Interlocked.Decrement(ref _watchFailures) >= 0)
        {
            if (FailWithErrorEvent)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(Event("ERROR", Status(500, "InternalError", "injected watch failure")) + "\n", context.RequestAborted);
            }
            else
            {
                await WriteStatusAsync(context, 500, "InternalError", "injected watch failure");
            }

            return;
        }

        var from = long.Parse(context.Request.Query["resourceVersion"]!, CultureInfo.InvariantCulture);
        var channel = Channel.CreateUnbounded<WatchStep>();
        lock (_gate)
        {
            if (from < _compactedBelow)
            {
                channel = null;
            }
            else
            {
                foreach (var (version, line, _) in _log.Where(e => e.Version > from && scope.Matches(e.Key)))
                {
                    channel.Writer.TryWrite(new WatchStep(line, Cut: false));
                }

                _watchers.Add((channel, scope));
            }
        }

        if (channel is null)
        {
            var message = $"too old resource version: {from} ({_compactedBelow})";
            if (!ExpireWithErrorEvent)
            {
                await WriteStatusAsync(context, 410, "Expired", message);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Event("ERROR", Status(410, "Expired", message)) + "\n", context.RequestAborted);
            return;
        }

        try
        {
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            await foreach (var step in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(step.Cut ? step.Line : step.Line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                if (step.Cut)
                {
                    if (step.Abort)
                    {
                        context.Abort();
                    }

                    return;
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            lock (_gate)
            {
                _watchers.RemoveAll(w => w.Channel == channel);
            }
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Status(code, reason, message), context.RequestAborted);
    }
}
