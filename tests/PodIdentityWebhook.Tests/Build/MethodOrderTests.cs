using PodIdentityWebhook.Admission;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Kubernetes;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Build;

/// <summary>
/// src/PodIdentityWebhook/MethodOrder.txt, the hot/cold layout ILC gives the shipped binary, is
/// a profile of methods by their compiled names (scripts/profile-layout.sh). Renaming or moving
/// the request path's types leaves it naming methods that no longer exist, which ILC ignores in
/// silence and which costs resident memory: these tests fail first and say to regenerate it.
/// </summary>
public sealed class MethodOrderTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(TestFiles.RepositoryRoot, "src", "PodIdentityWebhook", "MethodOrder.txt"));

    public static TheoryData<Type> RequestPath =>
    [
        typeof(AdmissionEndpoints),
        typeof(AdmissionReviewHandler),
        typeof(PodMutator),
        typeof(ServiceAccountCache),
        typeof(Informer<,>),
    ];

    [Theory]
    [MemberData(nameof(RequestPath))]
    public void The_layout_names_the_methods_of_each_type_on_the_request_path(Type type)
    {
        var compiled = CompiledName(type);

        Assert.True(Lines.Any(line => line.Contains(compiled, StringComparison.Ordinal)),
            $"MethodOrder.txt names no method of {type.FullName} ({compiled}__*): run scripts/profile-layout.sh");
    }

    [Fact]
    public void The_layout_names_each_method_once()
    {
        Assert.NotEmpty(Lines);
        Assert.All(Lines, line => Assert.False(string.IsNullOrWhiteSpace(line)));
        Assert.Equal(Lines.Length, Lines.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>ILC's symbol prefix of a type's methods: assembly, then namespace and type with '.', '+' and '`' as '_'.</summary>
    private static string CompiledName(Type type) =>
        $"{type.Assembly.GetName().Name}_{type.FullName!.Replace('.', '_').Replace('+', '_').Replace('`', '_')}__";
}
