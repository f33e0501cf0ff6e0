using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Hosting;

#pragma warning disable CA1873, CA1848 // Plain logger calls are what this test drives.

namespace PodIdentityWebhook.Tests.Hosting;

public class JsonLinesLoggerProviderTests
{
    [Fact]
    public void Each_event_is_one_JSON_line_with_the_console_formatter_field_names_and_its_state()
    {
        var output = new MemoryStream();
        using (var provider = new JsonLinesLoggerProvider(output))
        {
            var logger = provider.CreateLogger("Test.Category");
            logger.LogInformation(new EventId(7), "Pod {Pod} in {Namespace}: {Count} \"quoted\"", "web-\n1", "default", 3);
            logger.LogError(new InvalidOperationException("boom"), "failed {Why}", "because");
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal(7, first["EventId"]!.GetValue<int>());
        Assert.Equal("Information", first["LogLevel"]!.GetValue<string>());
        Assert.Equal("Test.Category", first["Category"]!.GetValue<string>());
        Assert.Equal("Pod web-\n1 in default: 3 \"quoted\"", first["Message"]!.GetValue<string>());
        Assert.Equal("web-\n1", first["State"]!["Pod"]!.GetValue<string>());
        Assert.Equal(3, first["State"]!["Count"]!.GetValue<int>());
        Assert.Null(first["State"]!["{OriginalFormat}"]);
        Assert.True(DateTime.TryParse(first["Timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _));

        var second = JsonNode.Parse(lines[1])!;
        Assert.Equal("Error", second["LogLevel"]!.GetValue<string>());
        Assert.Contains("boom", second["Exception"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-29T23:59:59.0010000Z", "2026-11-29T23:59:59.9990000Z", "2026-11-30T00:00:00.0500000Z")]
    [InlineData("2024-02-29T12:00:00.1230000Z", "2024-02-29T12:00:00.4560000Z", "2024-02-29T12:00:01.0000000Z")]
    [InlineData("0001-01-01T00:00:00.0000000Z", "2026-01-01T00:00:00.0000000Z", "2025-12-31T23:59:59.9990000Z")]
    public void Timestamps_are_the_formatted_time_to_the_millisecond_across_second_boundaries(params string[] times)
    {
        // The part up to the second is kept per thread; each stamp must still be its own time's.
        Span<byte> text = stackalloc byte[32];
        foreach (var time in times)
        {
            var value = DateTime.Parse(time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
            var expected = value.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, Encoding.UTF8.GetString(JsonLinesLoggerProvider.Timestamp(value, text)));
        }
    }

    [Fact]
    public void Lines_past_the_pending_limit_are_dropped_and_counted_instead_of_blocking_the_caller()
    {
        using var gate = new ManualResetEventSlim();
        var output = new GatedStream(gate);
        using (var provider = new JsonLinesLoggerProvider(output))
        {
            var logger = provider.CreateLogger("Flood");
            logger.LogInformation("first");
            Assert.True(SpinWait.SpinUntil(() => output.Blocked, TimeSpan.FromSeconds(5)), "the writer never started writing");
            for (var i = 0; i < JsonLinesLoggerProvider.MaxPending + 50; i++)
            {
                logger.LogInformation("line {Index}", i);
            }

            gate.Set();
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("50 log lines dropped", StringComparison.Ordinal));
        Assert.Equal(1 + JsonLinesLoggerProvider.MaxPending + 1, lines.Length);
    }

    /// <summary>A stream whose first write waits for the gate: a stdout nobody reads for a while.</summary>
    private sealed class GatedStream(ManualResetEventSlim gate) : MemoryStream
    {
        public volatile bool Blocked;

        public override void Write(byte[] buffer, int offset, int count)
        {
            Blocked = true;
            gate.Wait();
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Blocked = true;
            gate.Wait();
            base.Write(buffer);
        }
    }

    [Fact]
    public void A_disposed_provider_is_not_kept_alive_by_the_process_exit_hook()
    {
        var provider = CreateAndDispose();

        for (var i = 0; i < 5 && provider.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(provider.IsAlive, "a disposed provider is still referenced (the ProcessExit handler holds it)");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference CreateAndDispose()
    {
        var provider = new JsonLinesLoggerProvider(new MemoryStream());
        provider.CreateLogger("Test").LogInformation("one line");
        provider.Dispose();
        return new WeakReference(provider);
    }
}
