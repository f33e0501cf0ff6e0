using Microsoft.Extensions.Logging;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Identity;

public class ServiceAccountParserTests
{
    private const string Arn = "arn:aws:iam::111122223333:role/app";

    private readonly ListLogger<ServiceAccountParser> _logger = new();

    private ServiceAccountIdentity Parse(Dictionary<string, string>? annotations, WebhookOptions? options = null, AwsAccountInfo? account = null) =>
        new ServiceAccountParser(options ?? TestOptions.Default, _logger, account).Parse("ns", "sa", "42", annotations);

    [Fact]
    public void ServiceAccount_without_annotations_gets_flag_defaults_and_no_role()
    {
        var options = new WebhookOptions { TokenAudience = "aud", StsRegionalEndpoint = true, TokenExpiration = 3600 };

        var identity = Parse(null, options);

        Assert.Equal(new ServiceAccountIdentity("ns", "sa", "42", null, "aud", true, 3600), identity);
        Assert.Same(options.TokenAudience, identity.Audience);
    }

    [Fact]
    public void Annotations_override_every_default()
    {
        var identity = Parse(new()
        {
            ["eks.amazonaws.com/role-arn"] = Arn,
            ["eks.amazonaws.com/audience"] = "custom",
            ["eks.amazonaws.com/sts-regional-endpoints"] = "true",
            ["eks.amazonaws.com/token-expiration"] = "7200",
        });

        Assert.Equal(new ServiceAccountIdentity("ns", "sa", "42", Arn, "custom", true, 7200), identity);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void Annotation_prefix_comes_from_the_flag()
    {
        var options = new WebhookOptions { AnnotationPrefix = "example.com" };

        Assert.Null(Parse(new() { ["eks.amazonaws.com/role-arn"] = Arn }, options).RoleArn);
        Assert.Equal(Arn, Parse(new() { ["example.com/role-arn"] = Arn }, options).RoleArn);
    }

    [Fact]
    public void Empty_role_arn_annotation_means_no_role()
    {
        Assert.Null(Parse(new() { ["eks.amazonaws.com/role-arn"] = "" }).RoleArn);
    }

    [Fact]
    public void Audience_equal_to_the_flag_reuses_the_flag_string()
    {
        var options = new WebhookOptions { TokenAudience = "sts.amazonaws.com" };
        var annotation = new string("sts.amazonaws.com".AsSpan());

        var identity = Parse(new() { ["eks.amazonaws.com/audience"] = annotation }, options);

        Assert.Same(options.TokenAudience, identity.Audience);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("FALSE", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void Regional_sts_annotation_accepts_go_booleans(string value, bool expected)
    {
        var flag = !expected;
        var identity = Parse(new() { ["eks.amazonaws.com/sts-regional-endpoints"] = value }, new WebhookOptions { StsRegionalEndpoint = flag });

        Assert.Equal(expected, identity.UseRegionalSts);
        Assert.Empty(_logger.Entries);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("tRUE", false)]
    [InlineData(" true", true)]
    [InlineData("", false)]
    public void Unparseable_regional_sts_annotation_falls_back_to_flag(string value, bool flag)
    {
        var identity = Parse(new() { ["eks.amazonaws.com/sts-regional-endpoints"] = value }, new WebhookOptions { StsRegionalEndpoint = flag });

        Assert.Equal(flag, identity.UseRegionalSts);
        Assert.True(_logger.Has(LogLevel.Warning, "sts-regional-endpoints"));
    }

    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("+3600", 3600)]
    [InlineData("600", 600)]
    [InlineData("599", 600)]
    [InlineData("0", 600)]
    [InlineData("-5", 600)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Token_expiration_annotation_is_raised_to_the_minimum(string value, long expected)
    {
        var identity = Parse(new() { ["eks.amazonaws.com/token-expiration"] = value });

        Assert.Equal(expected, identity.TokenExpiration);
    }

    [Theory]
    [InlineData("1h")]
    [InlineData("3600.0")]
    [InlineData(" 3600")]
    [InlineData("9223372036854775808")]
    [InlineData("")]
    public void Unparseable_token_expiration_annotation_falls_back_to_flag(string value)
    {
        var identity = Parse(new() { ["eks.amazonaws.com/token-expiration"] = value }, new WebhookOptions { TokenExpiration = 1234 });

        Assert.Equal(1234, identity.TokenExpiration);
        Assert.True(_logger.Has(LogLevel.Warning, "token-expiration"));
    }

    [Theory]
    [InlineData("arn:aws:iam::111122223333:role/app")]
    [InlineData("arn:aws-cn:iam::111122223333:role/path/to/app")]
    [InlineData("arn:aws-us-gov:iam::111122223333:role/a_b-c.d@e+f=g,h")]
    public void Well_formed_role_arn_is_kept_without_warning(string arn)
    {
        Assert.Equal(arn, Parse(new() { ["eks.amazonaws.com/role-arn"] = arn }).RoleArn);
        Assert.Empty(_logger.Entries);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("arn:aws:iam::1234:role/app")]
    [InlineData("arn:aws:iam::111122223333:user/app")]
    [InlineData("arn:aws:iam::111122223333:role/app\n")]
    [InlineData("arn:aws:iam::111122223333:role/ä")]
    public void Malformed_role_arn_is_kept_with_a_warning(string arn)
    {
        Assert.Equal(arn, Parse(new() { ["eks.amazonaws.com/role-arn"] = arn }).RoleArn);
        Assert.True(_logger.Has(LogLevel.Warning, "does not look like"));
    }

    [Theory]
    [InlineData("app", "arn:aws-cn:iam::111122223333:role/app")]
    [InlineData("path/app", "arn:aws-cn:iam::111122223333:role/path/app")]
    [InlineData("arn:aws:iam::444455556666:role/other", "arn:aws:iam::444455556666:role/other")]
    public void Compose_expands_role_names_and_keeps_full_arns(string value, string expected)
    {
        var account = AwsAccountInfo.FromRegion("111122223333", "cn-north-1");

        Assert.Equal(expected, Parse(new() { ["eks.amazonaws.com/role-arn"] = value }, account: account).RoleArn);
    }

    [Fact]
    public void Compose_turns_an_empty_annotation_into_the_account_role_prefix_with_a_warning_like_the_reference()
    {
        var account = AwsAccountInfo.FromRegion("111122223333", "us-east-1");

        Assert.Equal("arn:aws:iam::111122223333:role/", Parse(new() { ["eks.amazonaws.com/role-arn"] = "" }, account: account).RoleArn);
        Assert.True(_logger.Has(LogLevel.Warning, "does not look like"));
    }

    [Fact]
    public void Without_compose_an_empty_annotation_means_no_role() =>
        Assert.Null(Parse(new() { ["eks.amazonaws.com/role-arn"] = "" }).RoleArn);

    [Fact]
    public void Without_compose_a_role_name_stays_as_written()
    {
        Assert.Equal("app", Parse(new() { ["eks.amazonaws.com/role-arn"] = "app" }).RoleArn);
    }
}
