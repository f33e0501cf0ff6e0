namespace PodIdentityWebhook.Tests.Options;

public class FlagParserSyntaxTests
{
    [Fact]
    public void Port_with_equals_syntax_is_parsed() => Assert.Equal(8443, Flags.Ok("--port=8443").Port);

    [Fact]
    public void Port_with_separate_value_is_parsed() => Assert.Equal(8443, Flags.Ok("--port", "8443").Port);

    [Fact]
    public void Port_with_single_dash_and_equals_is_parsed() => Assert.Equal(8443, Flags.Ok("-port=8443").Port);

    [Fact]
    public void Port_with_single_dash_and_separate_value_is_parsed() => Assert.Equal(8443, Flags.Ok("-port", "8443").Port);

    [Fact]
    public void String_value_may_contain_equals_signs() =>
        Assert.Equal("a=b", Flags.Ok("--kubeconfig=a=b").Kubeconfig);

    [Fact]
    public void String_value_may_be_empty_with_equals_syntax() =>
        Assert.Equal("", Flags.Ok("--tls-cert=").TlsCert);

    [Fact]
    public void Value_flag_takes_the_next_argument_even_when_it_looks_like_a_flag() =>
        Assert.Equal("--port", Flags.Ok("--kubeconfig", "--port").Kubeconfig);

    [Fact]
    public void Repeated_flag_keeps_the_last_value() => Assert.Equal(2, Flags.Ok("--port=1", "--port=2").Port);

    [Theory]
    [InlineData("--watch-config-map")]
    [InlineData("-watch-config-map")]
    [InlineData("--watch-config-map=true")]
    [InlineData("-watch-config-map=true")]
    public void Bare_or_true_boolean_flag_is_true(string arg) => Assert.True(Flags.Ok(arg).WatchConfigMap);

    [Theory]
    [MemberData(nameof(GoStrconvTests.GoBooleanSpellings), MemberType = typeof(GoStrconvTests))]
    public void Boolean_flag_accepts_every_Go_spelling_after_equals(string text, bool expected) =>
        Assert.Equal(expected, Flags.Ok($"--sts-regional-endpoint={text}").StsRegionalEndpoint);

    [Fact]
    public void Boolean_flag_does_not_take_the_next_argument_as_its_value()
    {
        var result = Flags.Parse("--watch-config-map", "false");

        Assert.True(result.Options!.WatchConfigMap);
        Assert.Equal(["false"], result.Positionals);
    }

    [Fact]
    public void Later_false_overrides_earlier_bare_boolean() =>
        Assert.False(Flags.Ok("--compose-role-arn", "--compose-role-arn=false").ComposeRoleArn);

    [Theory]
    [InlineData("-v", "3")]
    [InlineData("-v=3")]
    [InlineData("--v=3")]
    [InlineData("--v", "3")]
    [InlineData("-v3")]
    public void Verbosity_is_set_by_every_klog_spelling(params string[] args) => Assert.Equal(3, Flags.Ok(args).Verbosity);

    [Fact]
    public void Double_dash_ends_flags()
    {
        var result = Flags.Parse("--port=1", "--", "--port=2", "-v", "x");

        Assert.Equal(1, result.Options!.Port);
        Assert.Equal(["--port=2", "-v", "x"], result.Positionals);
    }

    [Fact]
    public void Positionals_may_appear_between_flags_in_order()
    {
        var result = Flags.Parse("explain", "--port", "1", "extra", "--watch-config-map", "-", "last");

        Assert.Equal(["explain", "extra", "-", "last"], result.Positionals);
        Assert.Equal(1, result.Options!.Port);
        Assert.True(result.Options.WatchConfigMap);
    }

    [Fact]
    public void No_arguments_give_no_positionals_and_no_warnings()
    {
        var result = Flags.Parse();

        Assert.Empty(result.Positionals);
        Assert.Empty(result.Warnings);
        Assert.False(result.HelpRequested);
        Assert.False(result.VersionRequested);
    }

    [Fact]
    public void Cipher_suites_are_split_on_commas_and_trimmed() =>
        Assert.Equal(
            ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
            Flags.Ok("--tls-cipher-suites= TLS_AES_128_GCM_SHA256 ,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,").TlsCipherSuites);

    [Fact]
    public void Repeated_cipher_suites_flag_keeps_the_last_value_like_the_reference() =>
        Assert.Equal(["B", "C"], Flags.Ok("--tls-cipher-suites=A", "--tls-cipher-suites", "B,C").TlsCipherSuites);

    [Fact]
    public void Empty_cipher_suites_after_a_list_resets_to_the_platform_defaults() =>
        Assert.Empty(Flags.Ok("--tls-cipher-suites=A", "--tls-cipher-suites=").TlsCipherSuites);

    [Theory]
    [InlineData("--help")]
    [InlineData("-help")]
    [InlineData("-h")]
    [InlineData("--help=true")]
    public void Help_flag_requests_help(string arg)
    {
        var result = Flags.Parse(arg);

        Assert.True(result.HelpRequested);
        Assert.Null(result.Error);
        Assert.Null(result.Options);
    }

    [Fact]
    public void Help_before_a_bad_value_still_requests_help() => Assert.True(Flags.Parse("--help", "--port=abc").HelpRequested);

    [Fact]
    public void Bad_value_before_help_is_an_error() => Assert.NotNull(Flags.Parse("--port=abc", "--help").Error);

    [Fact]
    public void Version_flag_requests_version_with_the_parsed_options()
    {
        var result = Flags.Parse("--version", "--port=1");

        Assert.True(result.VersionRequested);
        Assert.Null(result.Error);
        Assert.Equal(1, result.Options!.Port);
    }

    [Fact]
    public void Version_false_does_not_request_version() => Assert.False(Flags.Parse("--version=false").VersionRequested);
}
