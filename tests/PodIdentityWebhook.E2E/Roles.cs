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
}
