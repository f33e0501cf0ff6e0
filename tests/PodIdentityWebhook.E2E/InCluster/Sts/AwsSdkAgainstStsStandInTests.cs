using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>
/// The real AWS SDK for .NET (the published aws-client, Native AOT) configured only by
/// environment variables, as a pod the webhook mutated is, against the STS stand-in trusting
/// the node cluster's real ServiceAccount issuer with real tokens from TokenRequest: the
/// web-identity chain ends in a GetCallerIdentity the stand-in verified, and each way STS
/// refuses a token reaches the workload with STS's error code.
/// </summary>
[Collection(StsStandInGroup.Name)]
public sealed class AwsSdkAgainstStsStandInTests(StsClusterFixture cluster)
{
    private const string Account = "111122223333";
    private const string AllowedRole = $"arn:aws:iam::{Account}:role/irsa-allowed";
    private const string OtherSubjectRole = $"arn:aws:iam::{Account}:role/irsa-other-subject";
    private const string PodIdentityRole = $"arn:aws:iam::{Account}:role/pod-identity";
    private const string Subject = "system:serviceaccount:default:default";
    private const string StsAudience = "sts.amazonaws.com";

    [NodeClusterFact]
    public async Task A_web_identity_token_from_the_cluster_gets_credentials_and_a_signed_call_is_accepted()
    {
        await using var sts = await StartAsync();

        var run = await cluster.RunClientAsync(await IrsaEnvironmentAsync(sts, AllowedRole, await cluster.TokenAsync(StsAudience)));

        Assert.True(run.ExitCode == 0, run.ToString());
        var identity = CallerIdentity(run);
        Assert.StartsWith($"arn:aws:sts::{Account}:assumed-role/irsa-allowed/", identity["Arn"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Account, identity["Account"]!.GetValue<string>());
        Assert.Matches("^AROA[A-Z2-7]{17}:", identity["UserId"]!.GetValue<string>());
        // The SDK's own STS call for the credentials went to the stand-in, then the signed call.
        Assert.Equal(
            [new StsAnswer("AssumeRoleWithWebIdentity", AllowedRole, Subject, null), new StsAnswer("GetCallerIdentity", AllowedRole, Subject, null)],
            sts.Answers);
    }

    [NodeClusterFact]
    public async Task The_global_AWS_ENDPOINT_URL_also_points_the_web_identity_provider_at_the_stand_in()
    {
        await using var sts = await StartAsync();
        var environment = await IrsaEnvironmentAsync(sts, AllowedRole, await cluster.TokenAsync(StsAudience));
        environment["AWS_ENDPOINT_URL"] = environment["AWS_ENDPOINT_URL_STS"];
        environment.Remove("AWS_ENDPOINT_URL_STS");

        var run = await cluster.RunClientAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["AssumeRoleWithWebIdentity", "GetCallerIdentity"], sts.Answers.Select(a => a.Action));
    }

    [NodeClusterFact]
    public async Task A_token_for_another_audience_is_an_invalid_identity_token()
    {
        await using var sts = await StartAsync();

        var run = await cluster.RunClientAsync(await IrsaEnvironmentAsync(sts, AllowedRole, await cluster.TokenAsync("not-sts.example.com")));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: InvalidIdentityToken: Incorrect token audience", run.Stdout, StringComparison.Ordinal);
        Assert.NotEmpty(sts.Answers);
        Assert.All(sts.Answers, a => Assert.Equal(new StsAnswer("AssumeRoleWithWebIdentity", AllowedRole, null, "InvalidIdentityToken"), a));
    }

    [NodeClusterFact]
    public async Task A_subject_the_trust_policy_does_not_name_is_access_denied()
    {
        await using var sts = await StartAsync();

        var run = await cluster.RunClientAsync(await IrsaEnvironmentAsync(sts, OtherSubjectRole, await cluster.TokenAsync(StsAudience)));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity", run.Stdout, StringComparison.Ordinal);
        Assert.Equal([new StsAnswer("AssumeRoleWithWebIdentity", OtherSubjectRole, Subject, "AccessDenied")], sts.Answers);
    }

    [NodeClusterFact]
    public async Task A_token_past_its_expiry_on_the_stand_ins_clock_is_an_expired_token()
    {
        var clock = new MovableClock();
        await using var sts = await StartAsync(clock);
        var environment = await IrsaEnvironmentAsync(sts, AllowedRole, await cluster.TokenAsync(StsAudience));
        clock.Advance(TimeSpan.FromMinutes(11));

        var run = await cluster.RunClientAsync(environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Matches("^error: ExpiredTokenException: Token expired: current date/time [0-9]+ must be before the expiration date/time[0-9]+", run.Stdout);
        Assert.Equal("ExpiredTokenException", sts.Answers[^1].ErrorCode);
    }

    [NodeClusterFact]
    public async Task A_token_signed_with_a_key_the_issuer_does_not_publish_is_an_invalid_identity_token()
    {
        await using var sts = await StartAsync();
        // The real token's header and claims, kid included, signed by a key of the test's own.
        var forged = Forge(await cluster.TokenAsync(StsAudience));

        var run = await cluster.RunClientAsync(await IrsaEnvironmentAsync(sts, AllowedRole, forged));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: InvalidIdentityToken:", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(sts.Answers, a => a.ErrorCode is null);
    }

    [NodeClusterFact]
    public async Task A_pod_identity_token_gets_the_associated_roles_credentials_from_the_agent_endpoint()
    {
        await using var sts = await StartAsync();
        var environment = await BaseEnvironmentAsync(sts);
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = new Uri(sts.Endpoint, "/v1/credentials").ToString();
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = await cluster.WriteFileAsync(await cluster.TokenAsync("pods.eks.amazonaws.com"));

        var run = await cluster.RunClientAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"arn:aws:sts::{Account}:assumed-role/pod-identity/eks-default-default", CallerIdentity(run)["Arn"]!.GetValue<string>());
        Assert.Equal(
            [new StsAnswer("PodIdentityCredentials", PodIdentityRole, Subject, null), new StsAnswer("GetCallerIdentity", PodIdentityRole, Subject, null)],
            sts.Answers);
    }

    [NodeClusterFact]
    public async Task An_sts_token_sent_to_the_agent_endpoint_is_refused()
    {
        await using var sts = await StartAsync();
        var environment = await BaseEnvironmentAsync(sts);
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = new Uri(sts.Endpoint, "/v1/credentials").ToString();
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = await cluster.WriteFileAsync(await cluster.TokenAsync(StsAudience));

        var run = await cluster.RunClientAsync(environment);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error:", run.Stdout, StringComparison.Ordinal);
        Assert.NotEmpty(sts.Answers);
        Assert.All(sts.Answers, a => Assert.Equal(new StsAnswer("PodIdentityCredentials", null, null, "InvalidIdentityToken"), a));
    }

    [NodeClusterFact]
    public async Task GetCallerIdentity_is_accepted_only_with_the_issued_secret_and_session_token()
    {
        await using var sts = await StartAsync();
        var issued = await AssumeRoleDirectlyAsync(sts, await cluster.TokenAsync(StsAudience));
        var environment = await BaseEnvironmentAsync(sts);

        // Each wrong value differs from the issued one whatever that one is: a random secret
        // starting with "x" once made the "wrong" secret the right one.
        var wrongSecret = await cluster.RunClientAsync(WithStaticCredentials(environment, issued.Key, Altered(issued.Secret[..1]) + issued.Secret[1..], issued.Token));
        var wrongToken = await cluster.RunClientAsync(WithStaticCredentials(environment, issued.Key, issued.Secret, issued.Token[..^4] + Altered(issued.Token[^4..])));
        var right = await cluster.RunClientAsync(WithStaticCredentials(environment, issued.Key, issued.Secret, issued.Token));

        Assert.StartsWith("error: SignatureDoesNotMatch:", wrongSecret.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("error: InvalidClientTokenId:", wrongToken.Stdout, StringComparison.Ordinal);
        Assert.True(right.ExitCode == 0, right.ToString());
        Assert.StartsWith($"arn:aws:sts::{Account}:assumed-role/irsa-allowed/direct", CallerIdentity(right)["Arn"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(
            [null, "SignatureDoesNotMatch", "InvalidClientTokenId", null],
            sts.Answers.Select(a => a.ErrorCode));
    }

    /// <summary>Text of the same length that is certainly not <paramref name="text"/>.</summary>
    private static string Altered(string text) => new(text[0] == 'x' ? 'y' : 'x', text.Length);

    private async Task<StsStandIn> StartAsync(TimeProvider? clock = null) =>
        await StsStandIn.StartAsync(new StsStandInOptions
        {
            Address = IPAddress.Parse(cluster.NodeIp),
            Issuer = cluster.Issuer,
            IssuerCaPem = cluster.CaPem,
            AccountId = Account,
            Roles =
            [
                new TrustedRole(AllowedRole, [StsAudience], [Subject]),
                new TrustedRole(OtherSubjectRole, [StsAudience], ["system:serviceaccount:default:someone-else"]),
            ],
            Associations = [new PodIdentityAssociation("default", "default", PodIdentityRole)],
            Clock = clock ?? TimeProvider.System,
        });

    /// <summary>What every workload gets: a region, the stand-in as STS's endpoint, its CA as the trust store.</summary>
    private async Task<Dictionary<string, string>> BaseEnvironmentAsync(StsStandIn sts) => new()
    {
        ["AWS_REGION"] = "us-west-2",
        ["AWS_ENDPOINT_URL_STS"] = sts.Endpoint.ToString(),
        ["SSL_CERT_FILE"] = await cluster.WriteFileAsync(sts.CaPem),
    };

    /// <summary>What the webhook injects for IRSA, the token in its own file.</summary>
    private async Task<Dictionary<string, string>> IrsaEnvironmentAsync(StsStandIn sts, string roleArn, string token)
    {
        var environment = await BaseEnvironmentAsync(sts);
        environment["AWS_ROLE_ARN"] = roleArn;
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = await cluster.WriteFileAsync(token);
        return environment;
    }

    private static Dictionary<string, string> WithStaticCredentials(Dictionary<string, string> environment, string key, string secret, string token) =>
        new(environment) { ["AWS_ACCESS_KEY_ID"] = key, ["AWS_SECRET_ACCESS_KEY"] = secret, ["AWS_SESSION_TOKEN"] = token };

    private static JsonObject CallerIdentity(AwsClientRun run)
    {
        const string Prefix = "caller-identity: ";
        var line = run.Stdout.Split('\n').Single(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return JsonNode.Parse(line[Prefix.Length..])!.AsObject();
    }

    /// <summary>AssumeRoleWithWebIdentity by hand, as the Query protocol has it, for credentials the test then holds.</summary>
    private static async Task<(string Key, string Secret, string Token)> AssumeRoleDirectlyAsync(StsStandIn sts, string token)
    {
        using var http = new HttpClient(KubeRest.TrustingHandler(sts.CaPem));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithWebIdentity",
            ["Version"] = "2011-06-15",
            ["RoleArn"] = AllowedRole,
            ["RoleSessionName"] = "direct",
            ["WebIdentityToken"] = token,
        });
        using var response = await http.PostAsync(sts.Endpoint, form);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(response.IsSuccessStatusCode, xml.ToString());
        XNamespace ns = "https://sts.amazonaws.com/doc/2011-06-15/";
        var credentials = xml.Root!.Element(ns + "AssumeRoleWithWebIdentityResult")!.Element(ns + "Credentials")!;
        return (credentials.Element(ns + "AccessKeyId")!.Value, credentials.Element(ns + "SecretAccessKey")!.Value, credentials.Element(ns + "SessionToken")!.Value);
    }

    private static string Forge(string jwt)
    {
        var parts = jwt.Split('.');
        using var key = RSA.Create(2048);
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{parts[0]}.{parts[1]}.{System.Buffers.Text.Base64Url.EncodeToString(signature)}";
    }
}
