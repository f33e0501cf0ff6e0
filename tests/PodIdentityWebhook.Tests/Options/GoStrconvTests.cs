using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Options;

public class GoStrconvTests
{
    public static TheoryData<string, bool> GoBooleanSpellings => new()
    {
        { "1", true }, { "t", true }, { "T", true }, { "TRUE", true }, { "true", true }, { "True", true },
        { "0", false }, { "f", false }, { "F", false }, { "FALSE", false }, { "false", false }, { "False", false },
    };

    [Theory]
    [MemberData(nameof(GoBooleanSpellings))]
    public void Go_boolean_spellings_are_accepted(string text, bool expected)
    {
        Assert.True(GoStrconv.TryParseBool(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("tRUE")]
    [InlineData("on")]
    [InlineData(" true")]
    public void Other_boolean_spellings_are_rejected(string text)
    {
        Assert.False(GoStrconv.TryParseBool(text, out _));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("443", 443L)]
    [InlineData("+443", 443L)]
    [InlineData("-5", -5L)]
    [InlineData("0x1bb", 443L)]
    [InlineData("0X1BB", 443L)]
    [InlineData("0o673", 443L)]
    [InlineData("0673", 443L)]
    [InlineData("0b110111011", 443L)]
    [InlineData("86_400", 86400L)]
    [InlineData("0x_1bb", 443L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Go_integer_syntax_is_accepted(string text, long expected)
    {
        Assert.True(GoStrconv.TryParseInt(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("08")]
    [InlineData("0x")]
    [InlineData("0b2")]
    [InlineData("_1")]
    [InlineData("1_")]
    [InlineData("1__0")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    public void Other_integer_text_is_rejected(string text)
    {
        Assert.False(GoStrconv.TryParseInt(text, out _));
    }
}
