using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Tests.Mutation;

public class SkipContainersListTests
{
    public static TheoryData<string, string[]> ValidValues() => new()
    {
        { "app", ["app"] },
        { "app,sidecar", ["app", "sidecar"] },
        { "app, sidecar", ["app", "sidecar"] },
        { " app ,\tsidecar ", ["app", "sidecar"] },
        { "\"app\",sidecar", ["app", "sidecar"] },
        { "\"a,b\",c", ["a,b", "c"] },
        { "\"a\"\"b\"", ["a\"b"] },
        { "app,,sidecar", ["app", "", "sidecar"] },
        { "app,sidecar\nworker", ["app", "sidecar"] },
        { "\napp", ["app"] },
    };

    public static TheoryData<string> MalformedValues() => new()
    {
        "a\"b",
        "app,a\"b",
        "\"app",
        "\"app\"x,sidecar",
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Parse_reads_the_first_csv_record_with_names_trimmed(string value, string[] expected) =>
        Assert.Equal(expected, SkipContainersList.Parse(value));

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public void Parse_of_malformed_csv_returns_null_so_nothing_is_skipped(string value) =>
        Assert.Null(SkipContainersList.Parse(value));
}
