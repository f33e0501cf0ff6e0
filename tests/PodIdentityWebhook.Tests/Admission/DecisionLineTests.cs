using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Mutation;

#pragma warning disable CA1873, CA1848 // Plain logger calls are what this test compares.

namespace PodIdentityWebhook.Tests.Admission;

/// <summary>
/// The decision line written straight into the JSON-lines log is the line the message
/// templates give through the logging generator (as the webhook wrote it before): same
/// message, same fields and types, for ordinary names, escapes, long lists and long names.
/// Other providers read the same line as an ordinary state.
/// </summary>
public sealed partial class DecisionLineTests
{
    public static TheoryData<string, string[], string> Cases() => new()
    {
        { "web-7d9f", ["app"], "" },
        { "quote\"and\\back\nslash", ["app", "side\"car"], "no identity: \"x\"" },
        { "ünïcode-☃", [.. Enumerable.Range(0, 25).Select(i => $"c{i}")], "reason" },
        { "long", [new string('n', 300), "app"], new string('r', 600) },
        { "many-long", [.. Enumerable.Range(0, 20).Select(i => new string((char)('a' + i), 253))], "r" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_mutated_line_is_the_generated_one(string pod, string[] containers, string reason)
    {
        _ = reason;
        var mutation = Mutation(containers);
        var names = Names(mutation);
        var (fast, generated) = Both(
            logger => logger.Log(LogLevel.Information, DecisionLine.MutatedEvent, DecisionLine.Mutated((pod, "default", "sa"), "sts_web_identity", mutation, 0.125), null, DecisionLine.Formatter),
            logger => PodMutated(logger, pod, "default", "sa", "sts_web_identity", names, mutation.PatchOperations, 0.125));

        Assert.Equal(generated, fast);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_not_mutated_line_is_the_generated_one(string pod, string[] containers, string reason)
    {
        _ = containers;
        var (fast, generated) = Both(
            logger => logger.Log(LogLevel.Information, DecisionLine.NotMutatedEvent, DecisionLine.NotMutated((pod, "ns", "sa"), "none", reason, 12.5), null, DecisionLine.Formatter),
            logger => PodNotMutated(logger, pod, "ns", "sa", "none", reason, 12.5));

        Assert.Equal(generated, fast);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.001)]
    [InlineData(0.02)]
    [InlineData(3.0)]
    [InlineData(1234.567)]
    [InlineData(99999.999)]
    [InlineData(0.1234567)]
    [InlineData(2e13)]
    public void Both_lines_give_the_duration_as_the_generator_does(double durationMs)
    {
        var mutation = Mutation(["app"]);
        var mutated = Both(
            logger => logger.Log(LogLevel.Information, DecisionLine.MutatedEvent, DecisionLine.Mutated(("web", "default", "sa"), "sts_web_identity", mutation, durationMs), null, DecisionLine.Formatter),
            logger => PodMutated(logger, "web", "default", "sa", "sts_web_identity", "app", mutation.PatchOperations, durationMs));
        var notMutated = Both(
            logger => logger.Log(LogLevel.Information, DecisionLine.NotMutatedEvent, DecisionLine.NotMutated(("web", "ns", "sa"), "none", "reason", durationMs), null, DecisionLine.Formatter),
            logger => PodNotMutated(logger, "web", "ns", "sa", "none", "reason", durationMs));

        Assert.Equal(mutated.Generated, mutated.Fast);
        Assert.Equal(notMutated.Generated, notMutated.Fast);
    }

    [Fact]
    public void Durations_read_as_the_doubles_they_are()
    {
        var random = new Random(20261205);
        var values = Enumerable.Range(0, 20_000)
            .Select(i => Math.Round(random.NextDouble() * Math.Pow(10, i % 9), 3))
            .Concat([0.0, -0.0, 0.0005, -1.5, 1e-7, 999_999_999.999, 1e12, double.NaN, double.PositiveInfinity, double.MaxValue]);
        Span<byte> text = stackalloc byte[DurationText.MaxLength];
        foreach (var value in values)
        {
            var length = DurationText.Format(value, text);
            Assert.Equal(value.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(text[..length]));
        }
    }

    [Fact]
    public void Other_providers_read_the_line_as_the_template_renders_it()
    {
        var line = DecisionLine.Mutated(("web", "default", "sa"), "sts_web_identity", Mutation(["app", "sidecar"]), 0.5);

        Assert.Equal("Mutated pod web in default (ServiceAccount sa, mode sts_web_identity): containers app,sidecar, 4 patch operations in 0.5 ms", line.ToString());
        Assert.Equal(DecisionLine.MutatedTemplate, line.Single(p => p.Key == "{OriginalFormat}").Value);
        Assert.Equal("app,sidecar", line.Single(p => p.Key == "Containers").Value);
    }

    // The templates as the webhook logged them through the generator before the decision line wrote itself.
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = DecisionLine.MutatedTemplate)]
    private static partial void PodMutated(
        ILogger logger, string pod, string Namespace, string serviceAccount, string mode, string containers, int operations, double durationMs);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = DecisionLine.NotMutatedTemplate)]
    private static partial void PodNotMutated(
        ILogger logger, string pod, string Namespace, string serviceAccount, string mode, string reason, double durationMs);

    private static MutationResult Mutation(string[] containers) => new(
        4, true, false, false, 86400,
        [.. containers.Select(name => new ContainerDecision(name, false, ContainerOutcome.Mutated, ["AWS_ROLE_ARN"], true)),
            new ContainerDecision("skipped", false, ContainerOutcome.Skipped, [], false)],
        []);

    // What the log listed before: the mutated containers' bounded names, 20 at most, and a count of the rest.
    private static string Names(MutationResult mutation)
    {
        var names = mutation.Containers.Where(c => c.Outcome == ContainerOutcome.Mutated).Select(c => AdmissionLog.Bounded(c.Name, 253)).ToList();
        var list = string.Join(',', names.Take(20));
        return names.Count <= 20 ? list : $"{list} and {names.Count - 20} more";
    }

    /// <summary>The JSON line each call writes, without its timestamp.</summary>
    private static (string Fast, string Generated) Both(Action<ILogger> fast, Action<ILogger> generated)
    {
        var output = new MemoryStream();
        using (var provider = new JsonLinesLoggerProvider(output))
        {
            var logger = provider.CreateLogger("PodIdentityWebhook.Admission");
            fast(logger);
            generated(logger);
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Select(line =>
            {
                line.Remove("Timestamp");
                return line.ToJsonString();
            })
            .ToList();
        Assert.Equal(2, lines.Count);
        return (lines[0], lines[1]);
    }
}
