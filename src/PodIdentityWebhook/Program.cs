using PodIdentityWebhook;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Verify;

var parsed = FlagParser.Parse(args, [.. ExplainCommand.Flags, .. VerifyCommand.Flags]);
if (CommandLine.EarlyExit(parsed, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

if (ExplainCommand.IsRequested(parsed))
{
    return await ExplainCommand.RunAsync(parsed, Console.In, Console.Out, Console.Error, CancellationToken.None);
}

if (VerifyCommand.IsRequested(parsed))
{
    return await VerifyCommand.RunAsync(parsed, Console.Out, Console.Error, CancellationToken.None);
}

try
{
    await using var app = await WebhookHost.BuildAsync(parsed.Options!, CancellationToken.None);
    await WebhookHost.StartAsync(app, parsed.Options!);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (ConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"pod-identity-webhook: {ex.Message}");
    return 1;
}
