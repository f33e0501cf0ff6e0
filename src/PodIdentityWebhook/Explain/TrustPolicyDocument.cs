using System.Text.Json;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Explain;

/// <summary>The <c>Effect</c> of a policy statement.</summary>
internal enum TrustPolicyEffect
{
    Allow,
    Deny,
}

/// <summary>An IAM role trust policy (AssumeRolePolicyDocument), read by <see cref="TrustPolicy.Parse"/>.</summary>
/// <param name="Source">Where the document came from, named in messages.</param>
/// <param name="Version">The <c>Version</c> element, null when absent.</param>
internal sealed record TrustPolicyDocument(string Source, string? Version, IReadOnlyList<TrustPolicyStatement> Statements);

/// <summary>One statement of a trust policy, its elements normalised to lists.</summary>
/// <param name="Index">The position in <c>Statement</c>, from 0.</param>
/// <param name="AnyPrincipal">The statement has <c>"Principal": "*"</c>.</param>
/// <param name="Principals">Principal type (Federated, Service, AWS) to its values, keys case-insensitive.</param>
/// <param name="HasNotPrincipal">The statement uses <c>NotPrincipal</c>, which the checker does not evaluate.</param>
/// <param name="HasNotAction">The statement uses <c>NotAction</c>, which the checker does not evaluate.</param>
internal sealed record TrustPolicyStatement(
    int Index,
    string? Sid,
    TrustPolicyEffect Effect,
    bool AnyPrincipal,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Principals,
    bool HasNotPrincipal,
    IReadOnlyList<string> Actions,
    bool HasNotAction,
    IReadOnlyList<TrustPolicyCondition> Conditions)
{
    /// <summary><c>Statement[i]</c>, followed by the Sid when there is one.</summary>
    public string Label => Sid is { Length: > 0 } ? $"Statement[{Index}] ({Sid})" : $"Statement[{Index}]";
}

/// <summary>One key of one operator of a <c>Condition</c> block; values are any-of.</summary>
/// <param name="Operator">As written, e.g. <c>StringEquals</c> or <c>ForAnyValue:StringLike</c>.</param>
/// <param name="Key">As written, e.g. <c>oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE:sub</c>.</param>
internal sealed record TrustPolicyCondition(string Operator, string Key, IReadOnlyList<string> Values);

/// <summary>
/// Reads a trust policy from the shapes operators have at hand: the document itself, the
/// output of <c>aws iam get-role</c> (whole, or <c>--query Role</c>), and the URL-encoded text
/// IAM's API returns (bare or as a JSON string).
/// </summary>
internal static class TrustPolicyReader
{
    private const int MaxWrapping = 4;
    private const string Expected = "expected an IAM policy document {\"Version\": ..., \"Statement\": [...]} or the output of aws iam get-role";

    /// <summary>The statements of the policy in <paramref name="json"/>; bad input throws <see cref="ConfigurationException"/> naming <paramref name="source"/>.</summary>
    public static TrustPolicyDocument Read(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        var document = Unwrap(ParseText(json, source), source, 0);
        var version = document["Version"] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => throw new ConfigurationException($"{source}: Version must be a string such as \"2012-10-17\""),
        };

        if (!document.TryGetPropertyValue("Statement", out var statementNode))
        {
            throw new ConfigurationException($"{source}: the document has no Statement; {Expected}");
        }

        List<JsonNode?> items = statementNode switch
        {
            JsonArray array => [.. array],
            JsonObject single => [single],
            _ => throw new ConfigurationException($"{source}: Statement must be an object or an array of objects"),
        };
        if (items.Count == 0)
        {
            throw new ConfigurationException($"{source}: Statement is empty; a trust policy needs at least one statement");
        }

        return new TrustPolicyDocument(source, version, [.. items.Select((item, index) => ReadStatement(item, index, source))]);
    }

    private static JsonNode ParseText(string text, string source)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new ConfigurationException($"{source} is empty; {Expected}");
        }

        if (trimmed.StartsWith("%7B", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = Uri.UnescapeDataString(trimmed);
        }

        try
        {
            return JsonNode.Parse(trimmed) ?? throw new ConfigurationException($"{source} holds JSON null; {Expected}");
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{source} is not JSON ({e.Message}); {Expected}", e);
        }
    }

    private static JsonObject Unwrap(JsonNode node, string source, int depth)
    {
        if (depth > MaxWrapping)
        {
            throw new ConfigurationException($"{source}: the policy is wrapped or encoded more than {MaxWrapping} times");
        }

        switch (node)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return Unwrap(ParseText(text.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(text) : text, source), source, depth + 1);
            case JsonObject document when document.ContainsKey("Statement"):
                return document;
            case JsonObject output when output["Role"] is JsonObject role:
                return Unwrap(
                    role["AssumeRolePolicyDocument"] ?? throw new ConfigurationException($"{source}: Role has no AssumeRolePolicyDocument; {Expected}"),
                    source,
                    depth + 1);
            case JsonObject role when role["AssumeRolePolicyDocument"] is { } inner:
                return Unwrap(inner, source, depth + 1);
            case JsonObject:
                throw new ConfigurationException($"{source}: the document has no Statement; {Expected}");
            default:
                throw new ConfigurationException($"{source}: found a JSON {node.GetValueKind()}; {Expected}");
        }
    }

    private static TrustPolicyStatement ReadStatement(JsonNode? node, int index, string source)
    {
        var where = $"{source}: Statement[{index}]";
        if (node is not JsonObject statement)
        {
            throw new ConfigurationException($"{where} is not an object");
        }

        var sid = statement["Sid"] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => throw new ConfigurationException($"{where}.Sid must be a string"),
        };
        var effect = Scalar(statement["Effect"]) switch
        {
            "Allow" => TrustPolicyEffect.Allow,
            "Deny" => TrustPolicyEffect.Deny,
            null => throw new ConfigurationException($"{where} has no Effect (Allow or Deny)"),
            var other => throw new ConfigurationException($"{where}.Effect is \"{other}\", expected Allow or Deny"),
        };

        var hasNotPrincipal = statement.ContainsKey("NotPrincipal");
        var anyPrincipal = false;
        var principals = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        switch (statement["Principal"])
        {
            case null when !hasNotPrincipal:
                throw new ConfigurationException($"{where} has no Principal; a role trust policy names who may assume the role");
            case null:
                break;
            case JsonValue value when Scalar(value) == "*":
                anyPrincipal = true;
                break;
            case JsonObject types:
                foreach (var (type, values) in types)
                {
                    principals[type] = Strings(values, $"{where}.Principal.{type}");
                }

                break;
            default:
                throw new ConfigurationException($"{where}.Principal must be \"*\" or an object such as {{\"Federated\": \"arn:aws:iam::...:oidc-provider/...\"}}");
        }

        var hasNotAction = statement.ContainsKey("NotAction");
        var actions = statement["Action"] is { } action ? Strings(action, $"{where}.Action") : [];
        if (actions.Count == 0 && !hasNotAction)
        {
            throw new ConfigurationException($"{where} has no Action");
        }

        return new TrustPolicyStatement(
            index, sid, effect, anyPrincipal, principals, hasNotPrincipal, actions, hasNotAction, ReadConditions(statement["Condition"], where));
    }

    private static List<TrustPolicyCondition> ReadConditions(JsonNode? node, string where)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject operators)
        {
            throw new ConfigurationException($"{where}.Condition must be an object of operators, e.g. {{\"StringEquals\": {{...}}}}");
        }

        var conditions = new List<TrustPolicyCondition>();
        foreach (var (name, keys) in operators)
        {
            if (keys is not JsonObject keyValues)
            {
                throw new ConfigurationException($"{where}.Condition.{name} must be an object of condition keys to values");
            }

            foreach (var (key, values) in keyValues)
            {
                conditions.Add(new TrustPolicyCondition(name, key, Strings(values, $"{where}.Condition.{name}.{key}")));
            }
        }

        return conditions;
    }

    private static List<string> Strings(JsonNode? node, string where)
    {
        if (node is JsonArray array)
        {
            return [.. array.Select(item => Scalar(item) ?? throw new ConfigurationException($"{where} must hold only strings"))];
        }

        return Scalar(node) is { } single
            ? [single]
            : throw new ConfigurationException($"{where} must be a string or an array of strings");
    }

    /// <summary>The text of a string, boolean or number value; null for anything else.</summary>
    private static string? Scalar(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        }
        : null;
}
