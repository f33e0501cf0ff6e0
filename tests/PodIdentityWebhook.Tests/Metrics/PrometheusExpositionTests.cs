using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Metrics;

/// <summary>The strict parser the metrics tests read <c>/metrics</c> with refuses what breaks the format.</summary>
public sealed class PrometheusExpositionTests
{
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
