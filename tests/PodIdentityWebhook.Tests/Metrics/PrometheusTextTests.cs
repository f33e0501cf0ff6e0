using System.Diagnostics.Metrics;
using PodIdentityWebhook.Hosting;
using PodIdentityWebhook.Metrics;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>The exposition writer and collector, read back by the independent parser.</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Label_values_with_backslash_quote_and_newline_are_escaped_and_read_back()
    {
        using var metrics = new WebhookMetrics();
        using var collector = new MetricsCollector(metrics);
        var counter = metrics.Meter.CreateCounter<long>("test_escapes_total", description: "Help with \\ backslash\nand newline");
        const string Odd = "back\\slash \"quoted\"\nnext line, {braces}=";

        counter.Add(2, new KeyValuePair<string, object?>("value", Odd));
        var text = PrometheusText.Write(collector.Collect());

        Assert.Contains("test_escapes_total{value=\"back\\\\slash \\\"quoted\\\"\\nnext line, {braces}=\"} 2\n", text, StringComparison.Ordinal);
        var exposition = PrometheusExposition.Parse(text);
        Assert.Equal(2, exposition.Value("test_escapes_total", ("value", Odd)));
        Assert.Equal("Help with \\ backslash\nand newline", exposition.Families["test_escapes_total"].Help);
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_with_Inf_equal_to_count()
    {
        using var metrics = new WebhookMetrics();
        using var collector = new MetricsCollector(metrics);
        var histogram = metrics.Meter.CreateHistogram<double>(
            "test_seconds", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });

        foreach (var value in new[] { 0.05, 0.1, 0.5, 5, 50, 50 })
        {
            histogram.Record(value);
        }

        var exposition = PrometheusExposition.Parse(PrometheusText.Write(collector.Collect()));

        Assert.Equal("histogram", exposition.Families["test_seconds"].Type);
        Assert.Equal(2, exposition.Value("test_seconds_bucket", ("le", "0.1")));
        Assert.Equal(3, exposition.Value("test_seconds_bucket", ("le", "1")));
        Assert.Equal(4, exposition.Value("test_seconds_bucket", ("le", "10")));
        Assert.Equal(6, exposition.Value("test_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(6, exposition.Value("test_seconds_count"));
        Assert.Equal(105.65, exposition.Value("test_seconds_sum"), 6);
    }

    [Fact]
    public void Instruments_of_another_meter_with_the_same_name_are_not_exposed()
    {
        using var metrics = new WebhookMetrics();
        using var other = new WebhookMetrics();
        using var collector = new MetricsCollector(metrics);

        other.MissingServiceAccount();
        metrics.MissingServiceAccount();
        metrics.MissingServiceAccount();

        var exposition = PrometheusExposition.Parse(PrometheusText.Write(collector.Collect()));
        Assert.Equal(2, exposition.Value(WebhookMetrics.MissingServiceAccountCount));
    }

    [Fact]
    public void Counters_start_at_zero_before_the_first_event()
    {
        using var metrics = new WebhookMetrics();
        using var collector = new MetricsCollector(metrics);

        var exposition = PrometheusExposition.Parse(PrometheusText.Write(collector.Collect()));

        Assert.Equal(0, exposition.Value(WebhookMetrics.MissingServiceAccountCount));
        Assert.Equal(0, exposition.Value(WebhookMetrics.PodCount, ("method", "sts_web_identity")));
        Assert.Equal(0, exposition.Value(WebhookMetrics.PodCount, ("method", "container_credentials")));
        Assert.Equal(0, exposition.Value(WebhookMetrics.Used));
    }

    [Theory]
    [InlineData("a 1", "end with a line feed")]
    [InlineData("a{x=\"\\t\"} 1\n", "invalid escape")]
    [InlineData("a{x=\"1} 1\n", "not closed")]
    [InlineData("a{x=1} 1\n", "not quoted")]
    [InlineData("1a 1\n", "invalid metric name")]
    [InlineData("a{__x=\"1\"} 1\n", "invalid label name")]
    [InlineData("a one\n", "invalid value")]
    [InlineData("a 1\n# TYPE a counter\n", "after its samples")]
    [InlineData("# TYPE a counter\n# TYPE a counter\na 1\n", "second TYPE")]
    [InlineData("a 1\nb 1\na{x=\"1\"} 2\n", "not contiguous")]
    [InlineData("a 1\na 2\n", "twice")]
    [InlineData("# TYPE a counter\na -1\n", "counter a is -1")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "not cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n", "is not _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "no _sum")]
    [InlineData("# TYPE a gaug\n", "unknown type")]
    public void Parser_rejects_text_that_breaks_the_format(string text, string error)
    {
        var thrown = Assert.Throws<FormatException>(() => PrometheusExposition.Parse(text));
        Assert.Contains(error, thrown.Message, StringComparison.Ordinal);
    }
}
