using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class GoDurationTests
{
    // Cases from Go's time.ParseDuration tests; expected values in nanoseconds.
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("5s", 5_000_000_000L)]
    [InlineData("30s", 30_000_000_000L)]
    [InlineData("1478s", 1_478_000_000_000L)]
    [InlineData("-5s", -5_000_000_000L)]
    [InlineData("+5s", 5_000_000_000L)]
    [InlineData("5.0s", 5_000_000_000L)]
    [InlineData("5.6s", 5_600_000_000L)]
    [InlineData("5.s", 5_000_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.004s", 1_004_000_000L)]
    [InlineData("100.00100s", 100_001_000_000L)]
    [InlineData("100ns", 100L)]
    [InlineData("11us", 11_000L)]
    [InlineData("12\u00b5s", 12_000L)]
    [InlineData("12\u03bcs", 12_000L)]
    [InlineData("100ms", 100_000_000L)]
    [InlineData("15m", 900_000_000_000L)]
    [InlineData("16h", 57_600_000_000_000L)]
    [InlineData("1m30s", 90_000_000_000L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData("3h30m", 12_600_000_000_000L)]
    [InlineData("10.5s4m", 250_500_000_000L)]
    [InlineData("-2m3.4s", -123_400_000_000L)]
    [InlineData("1h2m3s4ms5us600ns", 3_723_004_005_600L)]
    [InlineData("39h9m14.425s", 140_954_425_000_000L)]
    [InlineData("0.3333333333333333333h", 1_200_000_000_000L)]
    [InlineData("9223372036854775807ns", 9_223_372_036_854_775_800L)]
    [InlineData("-9223372036854775808ns", -9_223_372_036_854_775_800L)]
    public void Valid_duration_is_parsed_like_Go(string text, long nanoseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(nanoseconds / 100), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("1.5")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData("s")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData(".s")]
    [InlineData("+.s")]
    [InlineData("1d")]
    [InlineData("1 s")]
    [InlineData(" 1s")]
    [InlineData("1s ")]
    [InlineData("1e3s")]
    [InlineData("1S")]
    [InlineData("1sec")]
    [InlineData("5s3")]
    [InlineData("9223372036854775808ns")]
    [InlineData("-9223372036854775809ns")]
    [InlineData("3000000h")]
    public void Invalid_duration_is_rejected_like_Go(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Fact]
    public void Null_duration_is_rejected()
    {
        Assert.False(GoDuration.TryParse(null, out _));
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(100L, "100ns")]
    [InlineData(1_000L, "1\u00b5s")]
    [InlineData(1_500_000L, "1.5ms")]
    [InlineData(100_000_000L, "100ms")]
    [InlineData(1_000_000_000L, "1s")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(60_000_000_000L, "1m0s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(5_400_000_000_000L, "1h30m0s")]
    [InlineData(93_784_500_000_000L, "26h3m4.5s")]
    [InlineData(-5_000_000_000L, "-5s")]
    public void Duration_is_formatted_like_Go(long nanoseconds, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(nanoseconds / 100)));
    }

    [Theory]
    [InlineData("1h2m3.0045s")]
    [InlineData("250ms")]
    [InlineData("-1m1s")]
    [InlineData("7\u00b5s")]
    public void Formatted_duration_parses_back_to_the_same_value(string text)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.True(GoDuration.TryParse(GoDuration.Format(value), out var again));
        Assert.Equal(value, again);
    }
}
