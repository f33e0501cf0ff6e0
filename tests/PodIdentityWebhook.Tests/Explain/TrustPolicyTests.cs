using System.Text.Json.Nodes;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary>
/// The trust-policy checker on every case under <c>TestData/trust-policy/</c> (policy, pod
/// inputs, expected decision and clause), and on Parse errors and the minimal policies it writes.
/// </summary>
public class TrustPolicyTests
{
    private const string Issuer = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    private const string Provider = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    private const string Audience = "sts.amazonaws.com";

    public static TheoryData<string> Cases() => new(TrustPolicyCase.Names());

    [Fact]
    public void Case_directory_holds_the_required_cases()
    {
        var names = TrustPolicyCase.Names().ToHashSet(StringComparer.Ordinal);
        string[] required =
        [
            "web-identity-exact-match", "web-identity-stringlike-wildcard-sub", "web-identity-wrong-sub",
            "web-identity-wrong-aud", "web-identity-wrong-provider", "web-identity-missing-action",
            "web-identity-action-sts-wildcard", "web-identity-statement-single-object",
            "web-identity-explicit-deny-overrides", "web-identity-no-sub-condition-warns",
            "web-identity-get-role-wrapper", "web-identity-url-encoded", "pod-identity-allowed",
            "pod-identity-missing-tag-session",
        ];
        Assert.All(required, name => Assert.Contains(name, names));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_yields_the_expected_decision_and_clause(string name)
    {
        var testCase = TrustPolicyCase.Load(name);
        var policy = TrustPolicy.Parse(testCase.Policy.ToJsonString(), name);
        var result = testCase.Mode == "podIdentity"
            ? TrustPolicy.CheckPodIdentity(policy)
            : TrustPolicy.CheckWebIdentity(policy, testCase.Issuer!, testCase.Namespace!, testCase.ServiceAccount!, testCase.Audience);
        var shown = Show(result);

        Assert.True(testCase.Allowed == result.Allowed, $"{name}: {testCase.Description}\n{shown}");
        Assert.Equal(result.Allowed, result.Summary.StartsWith("STS would allow", StringComparison.Ordinal));
        if (testCase.Decision is { } decision)
        {
            Assert.True(decision == result.Decision.ToString(), $"{name}: expected {decision}\n{shown}");
        }

        if (testCase.Summary is { } summary)
        {
            Assert.True(result.Summary.Contains(summary, StringComparison.Ordinal), $"{name}: summary lacks '{summary}'\n{shown}");
        }

        if (testCase.Failure is { } failure)
        {
            Assert.True(
                result.Statements.Any(s => s.Failure?.Contains(failure, StringComparison.Ordinal) == true),
                $"{name}: no statement fails with '{failure}'\n{shown}");
        }

        if (testCase.Warning is { } warning)
        {
            Assert.True(result.Warnings.Any(w => w.Contains(warning, StringComparison.Ordinal)), $"{name}: no warning '{warning}'\n{shown}");
        }

        if (testCase.WarningCount is { } count)
        {
            Assert.True(count == result.Warnings.Count, $"{name}: expected {count} warnings\n{shown}");
        }

        if (testCase.Matched is { } matched)
        {
            Assert.True(
                matched.SequenceEqual(result.Statements.Where(s => s.Matched).Select(s => s.Index)),
                $"{name}: expected statements [{string.Join(", ", matched)}] to match\n{shown}");
        }

        Assert.Equal(policy.Statements.Count, result.Statements.Count);
        Assert.All(result.Statements.Where(s => s.Outcome != StatementOutcome.Matches), s => Assert.False(string.IsNullOrEmpty(s.Failure)));
    }

    [Theory]
    [InlineData("not json at all", "is not JSON")]
    [InlineData("{\"Version\": \"2012-10-17\", \"Statement\": [", "is not JSON")]
    [InlineData("", "is empty")]
    public void Parse_rejects_text_that_is_not_JSON_naming_the_source(string text, string reason)
    {
        var error = Assert.Throws<ConfigurationException>(() => TrustPolicy.Parse(text, "--trust-policy role.json"));

        Assert.StartsWith("--trust-policy role.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"Version\": \"2012-10-17\"}", "no Statement")]
    [InlineData("{\"Role\": {\"RoleName\": \"x\"}}", "Role has no AssumeRolePolicyDocument")]
    [InlineData("[1, 2]", "expected an IAM policy document")]
    [InlineData("{\"Statement\": []}", "Statement is empty")]
    [InlineData("{\"Statement\": 3}", "Statement must be an object or an array")]
    [InlineData("{\"Statement\": [{\"Effect\": \"allow\", \"Principal\": \"*\", \"Action\": \"sts:*\"}]}", "Statement[0].Effect is \"allow\", expected Allow or Deny")]
    [InlineData("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:*\"}]}", "Statement[0] has no Principal")]
    [InlineData("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]}", "Statement[0] has no Action")]
    [InlineData("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": [1, {}]}]}", "Statement[0].Action must hold only strings")]
    [InlineData("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sts:*\", \"Condition\": {\"StringEquals\": \"x\"}}]}", "Condition.StringEquals must be an object")]
    public void Parse_rejects_a_document_that_is_not_a_trust_policy_with_a_clear_message(string json, string reason)
    {
        var error = Assert.Throws<ConfigurationException>(() => TrustPolicy.Parse(json, "role.json"));

        Assert.StartsWith("role.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_reads_a_bare_URL_encoded_document_and_get_role_query_output()
    {
        var document = TrustPolicy.RequiredPodIdentityPolicy();
        var encoded = TrustPolicy.Parse(Uri.EscapeDataString(document), "encoded");
        var queried = TrustPolicy.Parse($$"""{"RoleName": "r", "AssumeRolePolicyDocument": {{document}}}""", "query");

        Assert.Equal(["sts:AssumeRole", "sts:TagSession"], encoded.Statements[0].Actions);
        Assert.Equal("2012-10-17", queried.Version);
        Assert.True(TrustPolicy.CheckPodIdentity(queried).Allowed);
    }

    [Fact]
    public void Required_web_identity_policy_allows_the_pod_and_no_other_ServiceAccount()
    {
        var text = TrustPolicy.RequiredWebIdentityPolicy(Issuer, "111122223333", "payments", "api", Audience);
        var policy = TrustPolicy.Parse(text, "required");

        var allowed = TrustPolicy.CheckWebIdentity(policy, Issuer, "payments", "api", Audience);
        Assert.True(allowed.Allowed, allowed.Summary);
        Assert.Empty(allowed.Warnings);
        Assert.Contains("account 111122223333", allowed.Summary, StringComparison.Ordinal);

        var other = TrustPolicy.CheckWebIdentity(policy, Issuer, "payments", "worker", Audience);
        Assert.False(other.Allowed);
        Assert.Contains(
            $"Condition StringEquals {Provider}:sub: \"system:serviceaccount:payments:api\" does not match \"system:serviceaccount:payments:worker\"",
            other.Summary,
            StringComparison.Ordinal);

        Assert.False(TrustPolicy.CheckWebIdentity(policy, Issuer, "payments", "api", "vault").Allowed);
    }

    [Fact]
    public void Required_web_identity_policy_is_indented_JSON_with_StringEquals_on_sub_and_aud()
    {
        var text = TrustPolicy.RequiredWebIdentityPolicy(Issuer + "/", null, "payments", "api", Audience);
        var statement = JsonNode.Parse(text)!["Statement"]![0]!;

        Assert.Contains("\n  \"Statement\": [", text, StringComparison.Ordinal);
        Assert.Equal("2012-10-17", JsonNode.Parse(text)!["Version"]!.GetValue<string>());
        Assert.Equal("Allow", statement["Effect"]!.GetValue<string>());
        Assert.Equal($"arn:aws:iam::ACCOUNT_ID:oidc-provider/{Provider}", statement["Principal"]!["Federated"]!.GetValue<string>());
        Assert.Equal("sts:AssumeRoleWithWebIdentity", statement["Action"]!.GetValue<string>());
        var equals = statement["Condition"]!["StringEquals"]!;
        Assert.Equal("system:serviceaccount:payments:api", equals[$"{Provider}:sub"]!.GetValue<string>());
        Assert.Equal(Audience, equals[$"{Provider}:aud"]!.GetValue<string>());
    }

    [Fact]
    public void Required_web_identity_policy_uses_the_partition_of_the_issuer()
    {
        var text = TrustPolicy.RequiredWebIdentityPolicy(
            "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE", "111122223333", "payments", "api", Audience);

        Assert.Contains("\"arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_pod_identity_policy_is_allowed_and_names_the_service_and_both_actions()
    {
        var text = TrustPolicy.RequiredPodIdentityPolicy();
        var statement = JsonNode.Parse(text)!["Statement"]![0]!;

        Assert.Equal("pods.eks.amazonaws.com", statement["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal(["sts:AssumeRole", "sts:TagSession"], statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
        var result = TrustPolicy.CheckPodIdentity(TrustPolicy.Parse(text, "required"));
        Assert.True(result.Allowed, result.Summary);
        Assert.False(TrustPolicy.CheckWebIdentity(TrustPolicy.Parse(text, "required"), Issuer, "payments", "api", Audience).Allowed);
    }

    [Theory]
    [InlineData("sts:*", "sts:AssumeRoleWithWebIdentity", true)]
    [InlineData("*", "sts:TagSession", true)]
    [InlineData("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", false)]
    [InlineData("sts:AssumeRole*", "sts:AssumeRoleWithWebIdentity", true)]
    [InlineData("sts:?agSession", "sts:TagSession", true)]
    [InlineData("sts:?agSession", "sts:agSession", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("", "", true)]
    [InlineData("*", "", true)]
    public void Wildcards_follow_IAM(string pattern, string text, bool expected) =>
        Assert.Equal(expected, TrustPolicy.WildcardMatches(pattern, text, ignoreCase: false));

    private static string Show(TrustPolicyResult result) =>
        $"summary: {result.Summary}\n"
        + string.Concat(result.Statements.Select(s => $"  [{s.Index}] {s.Effect} {s.Outcome}: {s.Failure}\n"))
        + string.Concat(result.Warnings.Select(w => $"  warning: {w}\n"));
}

/// <summary>One file under <c>TestData/trust-policy/</c>: a policy, the pod's inputs, the expected outcome.</summary>
/// <param name="Mode"><c>webIdentity</c> or <c>podIdentity</c>.</param>
/// <param name="Policy">Passed to Parse as JSON text: a document, get-role output, or a string holding the URL-encoded document.</param>
/// <param name="Failure">A substring of some statement's failing clause.</param>
/// <param name="Matched">The indexes of the statements that must match, when given.</param>
internal sealed record TrustPolicyCase(
    string Name,
    string Description,
    string Mode,
    string? Issuer,
    string? Namespace,
    string? ServiceAccount,
    string Audience,
    JsonNode Policy,
    bool Allowed,
    string? Decision,
    string? Summary,
    string? Failure,
    string? Warning,
    int? WarningCount,
    IReadOnlyList<int>? Matched)
{
    private static readonly HashSet<string> KnownFields =
        ["description", "mode", "issuer", "namespace", "serviceAccount", "audience", "policy", "expected"];

    private static readonly HashSet<string> KnownExpectations =
        ["allowed", "decision", "summary", "failure", "warning", "warnings", "matched"];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "trust-policy");

    public static IEnumerable<string> Names() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    public static TrustPolicyCase Load(string name)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json")))!.AsObject();
        Reject(name, root.Select(p => p.Key).Where(k => !KnownFields.Contains(k)));
        var expected = root["expected"]?.AsObject() ?? throw new InvalidDataException($"{name}: expected is required");
        Reject(name, expected.Select(p => p.Key).Where(k => !KnownExpectations.Contains(k)));

        var mode = root["mode"]?.GetValue<string>();
        if (mode is not ("webIdentity" or "podIdentity"))
        {
            throw new InvalidDataException($"{name}: mode must be webIdentity or podIdentity");
        }

        var allowed = expected["allowed"]?.GetValue<bool>() ?? throw new InvalidDataException($"{name}: expected.allowed is required");
        var testCase = new TrustPolicyCase(
            name,
            root["description"]?.GetValue<string>() ?? throw new InvalidDataException($"{name}: description is required"),
            mode,
            root["issuer"]?.GetValue<string>(),
            root["namespace"]?.GetValue<string>(),
            root["serviceAccount"]?.GetValue<string>(),
            root["audience"]?.GetValue<string>() ?? "sts.amazonaws.com",
            root["policy"] ?? throw new InvalidDataException($"{name}: policy is required"),
            allowed,
            expected["decision"]?.GetValue<string>(),
            expected["summary"]?.GetValue<string>(),
            expected["failure"]?.GetValue<string>(),
            expected["warning"]?.GetValue<string>(),
            expected["warnings"]?.GetValue<int>(),
            expected["matched"]?.AsArray().Select(i => i!.GetValue<int>()).ToList());

        if (mode == "webIdentity" && (testCase.Issuer is null || testCase.Namespace is null || testCase.ServiceAccount is null))
        {
            throw new InvalidDataException($"{name}: webIdentity needs issuer, namespace and serviceAccount");
        }

        if (!allowed && testCase.Failure is null && testCase.Summary is null)
        {
            throw new InvalidDataException($"{name}: a denied case names the deciding clause in expected.failure or expected.summary");
        }

        return testCase;
    }

    private static void Reject(string name, IEnumerable<string> unknown)
    {
        var list = unknown.ToList();
        if (list.Count > 0)
        {
            throw new InvalidDataException($"{name}: unknown fields {string.Join(", ", list)}");
        }
    }
}
