using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

/// <summary>Parses and asserts the outcome kind, so tests state only what they are about.</summary>
internal static class Flags
{
    public static FlagParseResult Parse(params string[] args) => FlagParser.Parse(args);

    public static WebhookOptions Ok(params string[] args)
    {
        var result = FlagParser.Parse(args);
        Assert.Null(result.Error);
        Assert.NotNull(result.Options);
        return result.Options;
    }

    public static string Error(params string[] args)
    {
        var result = FlagParser.Parse(args);
        Assert.Null(result.Options);
        Assert.NotNull(result.Error);
        return result.Error;
    }
}
