using System.Net;
using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.InCluster.Sts;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// The whole chain as a workload lives it: the chart installed by helm, a pod of an annotated
/// ServiceAccount started by the kubelet, and in it a real AWS SDK (AWSSDK.SecurityToken,
/// Native AOT) configured only by what the webhook injected, plus the stand-in's CA and
/// endpoint. It assumes its role at the STS stand-in, which checks the projected token as STS
/// does, and then signs GetCallerIdentity with the credentials it got. Refusals (wrong
/// audience, a subject the trust policy does not name, an expired token) reach the pod's log
/// with STS's error codes. EKS Pod Identity: the container-credentials variables lead the
/// SDK's provider to the agent stand-in.
/// </summary>
[Collection(NodeClusterGroup.Name)]
public sealed class IrsaChainTests(NodeCluster cluster, ITestOutputHelper output)
{
    private const string ReaderRole = "arn:aws:iam::111122223333:role/in-cluster-reader";
    private const string PodIdentityRole = "arn:aws:iam::111122223333:role/in-cluster-pod-identity";

    [NodeClusterFact]
    public async Task The_sdk_in_a_mutated_pod_assumes_its_role_and_makes_a_signed_call()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 3, "irsa");
        var apps = await release.ServedNamespaceAsync("apps");
        await using var sts = await StartStandInAsync(apps.Name, clock: null);
        await release.InstallAsync("certificates.mode=selfManaged", "replicaCount=1", "config.defaultAwsRegion=us-west-2", $"tests.namespace={apps.Name}");

        var (phase, log, pod) = await RunClientAsync(apps.Name, "reader", ReaderRole, sts);

        Assert.True(phase == "Succeeded", log);
        Assert.Contains($"\"Arn\":\"arn:aws:sts::111122223333:assumed-role/in-cluster-reader/", log, StringComparison.Ordinal);
        Assert.Equal("us-west-2", Workloads.Environment(pod)["AWS_REGION"]);
        var answers = sts.Answers;
        Assert.Contains(answers, a => a is { Action: "AssumeRoleWithWebIdentity", ErrorCode: null } && a.Subject == $"system:serviceaccount:{apps.Name}:reader");
        Assert.Contains(answers, a => a is { Action: "GetCallerIdentity", ErrorCode: null });
    }

    [NodeClusterFact]
    public async Task Sts_refusals_reach_the_pod_log_with_their_error_codes()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 4, "refused");
        var apps = await release.ServedNamespaceAsync("apps");
        var clock = new MovableClock();
        await using var sts = await StartStandInAsync(apps.Name, clock);
        await release.InstallAsync("certificates.mode=selfManaged", "replicaCount=1", $"tests.namespace={apps.Name}");

        // The token is asked for another audience (the webhook's audience annotation).
        var (phase, log, _) = await RunClientAsync(apps.Name, "other-audience", ReaderRole, sts, audience: "not-sts.example.com");
        Assert.Equal("Failed", phase);
        Assert.Contains("error: InvalidIdentityToken:", log, StringComparison.Ordinal);

        // The role trusts system:serviceaccount:NS:reader only.
        (phase, log, _) = await RunClientAsync(apps.Name, "intruder", ReaderRole, sts);
        Assert.Equal("Failed", phase);
        Assert.Contains("error: AccessDenied:", log, StringComparison.Ordinal);

        // The projected token lives 24 hours (--token-expiration); STS's clock is past that.
        clock.Advance(TimeSpan.FromHours(25));
        (phase, log, _) = await RunClientAsync(apps.Name, "reader", ReaderRole, sts);
        Assert.Equal("Failed", phase);
        Assert.Contains("error: ExpiredTokenException:", log, StringComparison.Ordinal);
    }

    [NodeClusterFact]
    public async Task With_eks_pod_identity_the_sdk_gets_credentials_from_the_agent_and_makes_a_signed_call()
    {
        await using var release = await ChartRelease.CreateAsync(cluster, 4, "podid");
        var apps = await release.ServedNamespaceAsync("apps");
        await using var sts = await StartStandInAsync(apps.Name, clock: null);
        await release.InstallAsync(
            "certificates.mode=selfManaged", "replicaCount=1", $"tests.namespace={apps.Name}",
            "containerCredentials.enabled=true",
            $"containerCredentials.identities[0].namespace={apps.Name}", "containerCredentials.identities[0].serviceAccount=agent-user",
            // The SDK takes http only from loopback or the agent's link-local address: the stand-in speaks https.
            $"config.containerCredentials.fullUri={sts.Endpoint}v1/credentials");

        var (phase, log, pod) = await RunClientAsync(apps.Name, "agent-user", roleArn: null, sts);

        Assert.True(phase == "Succeeded", log);
        Assert.Contains("\"Arn\":\"arn:aws:sts::111122223333:assumed-role/in-cluster-pod-identity/", log, StringComparison.Ordinal);
        var env = Workloads.Environment(pod);
        Assert.Equal($"{sts.Endpoint}v1/credentials", env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]);
        Assert.False(env.ContainsKey("AWS_ROLE_ARN"));
        Assert.Contains(sts.Answers, a => a is { Action: "PodIdentityCredentials", ErrorCode: null });
    }

    private Task<StsStandIn> StartStandInAsync(string ns, TimeProvider? clock) =>
        StsStandIn.StartAsync(new StsStandInOptions
        {
            Address = IPAddress.Parse(cluster.NodeIp),
            Issuer = cluster.Issuer,
            IssuerCaPem = File.ReadAllText(cluster.CaFile),
            Roles = [new TrustedRole(ReaderRole, ["sts.amazonaws.com"], [$"system:serviceaccount:{ns}:reader"])],
            Associations = [new PodIdentityAssociation(ns, "agent-user", PodIdentityRole)],
            Clock = clock ?? TimeProvider.System,
        });

    /// <summary>
    /// A ServiceAccount (annotated with <paramref name="roleArn"/>, and an audience when given)
    /// and a pod of the SDK client that runs once; returns how it ended, its log and the pod.
    /// </summary>
    private async Task<(string Phase, string Log, JsonNode Pod)> RunClientAsync(
        string ns, string serviceAccount, string? roleArn, StsStandIn sts, string? audience = null)
    {
        var name = $"{serviceAccount}-{Guid.NewGuid().ToString("N")[..5]}";
        var annotations = new JsonObject();
        if (roleArn is not null)
        {
            annotations["eks.amazonaws.com/role-arn"] = roleArn;
        }

        if (audience is not null)
        {
            annotations["eks.amazonaws.com/audience"] = audience;
        }

        var objects = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray(
                new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "ServiceAccount",
                    ["metadata"] = new JsonObject { ["name"] = serviceAccount, ["namespace"] = ns, ["annotations"] = annotations },
                },
                new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "ConfigMap",
                    ["metadata"] = new JsonObject { ["name"] = "sts-ca", ["namespace"] = ns },
                    ["data"] = new JsonObject { ["ca.crt"] = sts.CaPem },
                }),
        };
        await cluster.KubectlWithInputAsync(objects.ToJsonString(), "apply", "-f", "-");
        await cluster.KubectlWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, namespace: {{ns}}}
            spec:
              serviceAccountName: {{serviceAccount}}
              restartPolicy: Never
              containers:
                - name: app
                  image: {{NodeCluster.AwsClientImage}}
                  imagePullPolicy: Never
                  args: [caller-identity]
                  # Only where the stand-in is and which CA signs it: the identity is the webhook's.
                  env:
                    - {name: AWS_ENDPOINT_URL_STS, value: "{{sts.Endpoint.ToString().TrimEnd('/')}}"}
                    - {name: SSL_CERT_FILE, value: /etc/sts-ca/ca.crt}
                    - {name: AWS_EC2_METADATA_DISABLED, value: "true"}
                  volumeMounts:
                    - {name: sts-ca, mountPath: /etc/sts-ca, readOnly: true}
              volumes:
                - name: sts-ca
                  configMap: {name: sts-ca}
            """, "apply", "-f", "-");

        string phase = "";
        await Poll.UntilAsync(async () =>
        {
            phase = (await cluster.KubectlAsync("-n", ns, "get", "pod", name, "-o", "jsonpath={.status.phase}")).Trim();
            return phase is "Succeeded" or "Failed";
        }, TimeSpan.FromSeconds(120), $"pod {ns}/{name} to finish");
        var log = await cluster.KubectlAsync("-n", ns, "logs", name);
        var pod = await cluster.GetJsonAsync("-n", ns, "get", "pod", name);
        output.WriteLine($"{name}: {phase}, AWS_ variables: {string.Join(", ", Workloads.Environment(pod).Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)))}\n{log}");
        return (phase, log, pod);
    }
}
