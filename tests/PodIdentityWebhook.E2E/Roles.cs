using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.E2E;

/// <summary>IAM role ARNs and the ServiceAccount annotation that carries them, as the scenarios use them.</summary>
internal static class Roles
{
    public const string AnnotationKey = "eks.amazonaws.com/role-arn";

    public static string Arn(string role) => $"arn:aws:iam::111122223333:role/{role}";

    /// <summary>ServiceAccount annotations naming <paramref name="role"/>.</summary>
    public static Dictionary<string, string> Annotations(string role) => new() { [AnnotationKey] = Arn(role) };

    /// <summary>A merge patch that sets the ServiceAccount's role to <paramref name="role"/>.</summary>
    public static JsonObject AnnotationPatch(string role) => new()
    {
        ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [AnnotationKey] = Arn(role) } },
    };

    /// <summary>
    /// <paramref name="count"/> ServiceAccounts <c>app-I</c>, each with the role of its name, spread
    /// over the namespaces <c>PREFIX-0</c> to <c>PREFIX-(namespaces - 1)</c>, as one multi-document
    /// YAML stream for <c>--service-accounts-file</c>.
    /// </summary>
    public static string ServiceAccountsYaml(int count, string namespacePrefix, int namespaces)
    {
        var yaml = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            yaml.Append("---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n")
                .Append(CultureInfo.InvariantCulture, $"  name: app-{i}\n  namespace: {namespacePrefix}-{i % namespaces}\n  annotations:\n")
                .Append(CultureInfo.InvariantCulture, $"    {AnnotationKey}: {Arn($"app-{i}")}\n");
        }

        return yaml.ToString();
    }
}
