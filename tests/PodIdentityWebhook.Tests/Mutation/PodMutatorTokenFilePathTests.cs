using PodIdentityWebhook.Mutation;

namespace PodIdentityWebhook.Tests.Mutation;

public class PodMutatorTokenFilePathTests
{
    public static TheoryData<string, string, bool, string> Paths() => new()
    {
        { "/var/run/secrets/eks.amazonaws.com/serviceaccount", "token", false, "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" },
        { "/var/run/secrets/eks.amazonaws.com/serviceaccount", "token", true, @"C:\var\run\secrets\eks.amazonaws.com\serviceaccount\token" },
        {
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount", "eks-pod-identity-token", false,
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"
        },
        {
            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount", "eks-pod-identity-token", true,
            @"C:\var\run\secrets\pods.eks.amazonaws.com\serviceaccount\eks-pod-identity-token"
        },
        { "/custom/dir/", "token", false, "/custom/dir/token" },
        { "/custom/dir/", "token", true, @"C:\custom\dir\token" },
        { "/custom/dir", "/token", false, "/custom/dir/token" },
        { "/a/b/../c", "token", false, "/a/c/token" },
        { "//a//./b/", "./token", false, "/a/b/token" },
        { "/../a", "token", false, "/a/token" },
        { "", "token", false, "token" },
        { "relative/../dir", "token", false, "dir/token" },
        { "/a/b/../c", "token", true, @"C:\a\c\token" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void TokenFilePath_joins_like_go_filepath_and_uses_a_drive_path_on_windows(
        string mountPath, string tokenPath, bool isWindows, string expected) =>
        Assert.Equal(expected, PodMutator.TokenFilePath(mountPath, tokenPath, isWindows));
}
