using System.Text.Json.Nodes;
using PodIdentityWebhook.Explain;
using PodIdentityWebhook.Manifests;
using PodIdentityWebhook.Tests.Identity;
using PodIdentityWebhook.Tests.Support;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary><c>explain</c> on the repository's examples and on small manifests written per test.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private static readonly string ServiceAccounts = TestFiles.Example("service-accounts.yaml");

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Pod_report_names_each_containers_outcome_and_the_printed_pod_has_the_variables()
    {
        var run = await ExplainAsync("--pod", TestFiles.Example("pod.yaml"), "--service-accounts-file", ServiceAccounts);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Pod default/reader (Pod, ", run.Report, StringComparison.Ordinal);
        Assert.Contains("ServiceAccount s3-reader (from spec.serviceAccountName)", run.Report, StringComparison.Ordinal);
        Assert.Contains("web identity (IRSA)", run.Report, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::111122223333:role/s3-reader", run.Report, StringComparison.Ordinal);
        Assert.Contains("init fetch-config: injected AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE; mounted aws-iam-token", run.Report, StringComparison.Ordinal);
        Assert.Contains("  app: injected AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE; mounted aws-iam-token", run.Report, StringComparison.Ordinal);
        Assert.Contains("log-shipper: not injected\n    not injected: listed in eks.amazonaws.com/skip-containers", run.Report, StringComparison.Ordinal);
        Assert.Contains("Result: credentials injected; the webhook patches this pod (6 operations).", run.Report, StringComparison.Ordinal);
        Assert.EndsWith("\nSummary: credentials injected\n", run.Output, StringComparison.Ordinal);

        var pod = run.YamlPod();
        Assert.Equal(["AWS_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"], EnvNames(pod, "containers", 0));
        Assert.Equal(["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"], EnvNames(pod, "initContainers", 0));
        Assert.Null(pod["spec"]!["containers"]![1]!["env"]);
        Assert.Equal("aws-iam-token", pod["spec"]!["volumes"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deployment_is_explained_through_its_pod_template_with_generateName()
    {
        var run = await ExplainAsync("--pod", TestFiles.Example("deployment.yaml"), "--service-accounts-file", ServiceAccounts);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Pod default/writer- (Deployment, ", run.Report, StringComparison.Ordinal);
        Assert.Contains("ServiceAccount regional", run.Report, StringComparison.Ordinal);
        Assert.Contains("token expiration:  3600 s", run.Report, StringComparison.Ordinal);
        Assert.Contains("regional STS:      yes", run.Report, StringComparison.Ordinal);
        var pod = run.YamlPod();
        Assert.Equal("Pod", pod["kind"]!.GetValue<string>());
        Assert.Equal("writer-", pod["metadata"]!["generateName"]!.GetValue<string>());
        Assert.Equal("writer", pod["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal(["AWS_STS_REGIONAL_ENDPOINTS", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"], EnvNames(pod, "containers", 0));
        Assert.Equal(3600, pod["spec"]!["volumes"]![0]!["projected"]!["sources"]![0]!["serviceAccountToken"]!["expirationSeconds"]!.GetValue<long>());
    }

    [Fact]
    public async Task CronJob_is_explained_through_its_job_template_with_ServiceAccounts_from_the_same_file()
    {
        var file = _directory.Write("cronjob.yaml", """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: nightly
              namespace: batch
              annotations:
                eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/nightly
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: report
              namespace: batch
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      serviceAccountName: nightly
                      restartPolicy: OnFailure
                      containers:
                        - name: job
                          image: busybox
            """);

        var run = await ExplainAsync("--pod", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Pod batch/report- (CronJob, ", run.Report, StringComparison.Ordinal);
        Assert.Contains("ServiceAccount nightly", run.Report, StringComparison.Ordinal);
        var pod = run.YamlPod();
        Assert.Equal("batch", pod["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("OnFailure", pod["spec"]!["restartPolicy"]!.GetValue<string>());
        Assert.Equal(["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"], EnvNames(pod, "containers", 0));
    }

    [Fact]
    public async Task Unknown_ServiceAccount_is_reported_not_found_with_how_to_give_it()
    {
        var run = await ExplainAsync("--pod", TestFiles.Example("pod.yaml"));

        Assert.Equal(ExplainCommand.ExitNotInjected, run.ExitCode);
        Assert.Contains("ServiceAccount default/s3-reader not found", run.Report, StringComparison.Ordinal);
        Assert.Contains("--service-accounts-file", run.Report, StringComparison.Ordinal);
        Assert.Contains("Result: NO credentials injected", run.Report, StringComparison.Ordinal);
        Assert.Null(run.YamlPod()["spec"]!["volumes"]);
    }

    [Fact]
    public async Task ServiceAccount_without_a_role_is_reported_as_missing_the_role_arn_annotation()
    {
        var pod = _directory.Write("pod.yaml", Pod("default"));

        var run = await ExplainAsync("--pod", pod, "--service-accounts-file", ServiceAccounts);

        Assert.Equal(ExplainCommand.ExitNotInjected, run.ExitCode);
        Assert.Contains("ServiceAccount default/default has no eks.amazonaws.com/role-arn annotation", run.Report, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", run.Report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_is_only_json_with_the_mutated_pod_in_it()
    {
        var run = await ExplainAsync("--pod", TestFiles.Example("pod.yaml"), "--service-accounts-file", ServiceAccounts, "--output", "json");

        Assert.Equal(0, run.ExitCode);
        var document = JsonNode.Parse(run.Output)!;
        Assert.True(document["injected"]!.GetValue<bool>());
        Assert.True(document["succeeds"]!.GetValue<bool>());
        Assert.Equal("injected", document["verdict"]!.GetValue<string>());
        Assert.Equal("Summary: credentials injected\n", run.Error);
        var pod = document["mutatedPod"]!;
        Assert.Equal("reader", pod["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(["AWS_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"], EnvNames(pod, "containers", 0));
    }

    [Fact]
    public async Task Pod_given_as_a_positional_argument_is_explained()
    {
        var run = await ExplainAsync(TestFiles.Example("pod.yaml"), "--service-accounts-file", ServiceAccounts);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ServiceAccount s3-reader", run.Report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_without_a_pod_exits_1_saying_so()
    {
        var run = await ExplainAsync("--pod", ServiceAccounts);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("holds no Pod or workload", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Missing_pod_file_exits_1_naming_it()
    {
        var missing = _directory.File("nope.yaml");

        var run = await ExplainAsync("--pod", missing);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(missing, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_service_accounts_file_exits_1_naming_the_flag()
    {
        var run = await ExplainAsync("--pod", TestFiles.Example("pod.yaml"), "--service-accounts-file", _directory.File("nope.yaml"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--service-accounts-file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_pod_flag_exits_2_asking_for_it()
    {
        var run = await ExplainAsync();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--pod", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Yaml_that_does_not_parse_exits_1_with_a_message()
    {
        var pod = _directory.Write("pod.yaml", "kind: Pod\nspec: [unclosed\n");

        var run = await ExplainAsync("--pod", pod);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("pod-identity-webhook explain: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workload_without_a_pod_template_exits_1_saying_so()
    {
        var deployment = _directory.Write("deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n");

        var run = await ExplainAsync("--pod", deployment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no pod template", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConfigMap manifest")]
    [InlineData("config JSON")]
    public async Task Config_map_gives_the_role_to_a_ServiceAccount_without_annotations(string form)
    {
        const string Config = """{"default/default": {"RoleARN": "arn:aws:iam::111122223333:role/from-config-map", "Audience": "sts.amazonaws.com", "UseRegionalSTS": true, "TokenExpiration": 0}}""";
        var configMap = _directory.Write("config-map.yaml", form == "config JSON"
            ? Config
            : $"""
              apiVersion: v1
              kind: ConfigMap
              metadata:
                name: pod-identity-webhook
                namespace: eks
              data:
                config: '{Config}'
              """);
        var pod = _directory.Write("pod.yaml", Pod("default"));

        var run = await ExplainAsync("--pod", pod, "--service-accounts-file", ServiceAccounts, "--config-map", configMap);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("from ConfigMap entry default/default", run.Report, StringComparison.Ordinal);
        Assert.Contains("arn:aws:iam::111122223333:role/from-config-map", run.Report, StringComparison.Ordinal);
        Assert.Equal(["AWS_STS_REGIONAL_ENDPOINTS", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"], EnvNames(run.YamlPod(), "containers", 0));
    }

    [Fact]
    public async Task Config_map_that_is_not_an_identity_table_exits_1_naming_the_flag()
    {
        var configMap = _directory.Write("config-map.json", "[1, 2]");

        var run = await ExplainAsync("--pod", TestFiles.Example("pod.yaml"), "--config-map", configMap);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--config-map", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_credentials_file_switches_the_pod_to_EKS_Pod_Identity()
    {
        var pod = _directory.Write("pod.yaml", Pod("pod-identity-demo"));

        var run = await ExplainAsync(
            "--pod", pod, "--watch-container-credentials-config", TestFiles.Example("container-credentials.json"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("container credentials (EKS Pod Identity) from container-credentials file", run.Report, StringComparison.Ordinal);
        Assert.Contains("Label eks.amazonaws.com/pod-identity: added", run.Report, StringComparison.Ordinal);
        var mutated = run.YamlPod();
        Assert.Equal("enabled", mutated["metadata"]!["labels"]!["eks.amazonaws.com/pod-identity"]!.GetValue<string>());
        Assert.Equal(["AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], EnvNames(mutated, "containers", 0));
        Assert.Equal("eks-pod-identity-token", mutated["spec"]!["volumes"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pod_that_already_has_everything_is_reported_as_needing_no_patch()
    {
        var first = await ExplainAsync("--pod", TestFiles.Example("pod.yaml"), "--service-accounts-file", ServiceAccounts);
        var mutated = _directory.Write("mutated.yaml", first.Manifest);

        var second = await ExplainAsync("--pod", mutated, "--service-accounts-file", ServiceAccounts);

        Assert.Equal(0, second.ExitCode);
        Assert.Contains("already has everything", second.Report, StringComparison.Ordinal);
        Assert.Equal(first.Manifest, second.Manifest);
    }

    [Fact]
    public async Task Json_output_for_a_role_arn_STS_refuses_says_injected_but_not_working_and_exits_4()
    {
        var accounts = _directory.Write("accounts.yaml",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: default, annotations: {eks.amazonaws.com/role-arn: 'arn:aws:iam:111122223333:role/x'}}\n");
        var pod = _directory.Write("pod.yaml", Pod("app"));

        var run = await ExplainAsync("--pod", pod, "--service-accounts-file", accounts, "--output", "json");

        Assert.Equal(ExplainCommand.ExitInjectedWillNotWork, run.ExitCode);
        var document = JsonNode.Parse(run.Output)!;
        Assert.True(document["injected"]!.GetValue<bool>());
        Assert.False(document["succeeds"]!.GetValue<bool>());
        Assert.Equal("injectedWillNotWork", document["verdict"]!.GetValue<string>());
        var warning = Assert.Single(document["warnings"]!.AsArray())!;
        Assert.Equal("role-arn-malformed", warning["code"]!.GetValue<string>());
        Assert.True(warning["breaksCredentials"]!.GetValue<bool>());
        Assert.Equal("Summary: credentials injected, will not work\n", run.Error);
    }

    [Fact]
    public async Task A_warning_that_does_not_break_credentials_leaves_the_verdict_injected_and_exit_0()
    {
        var pod = _directory.Write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n"
            + "spec: {serviceAccountName: s3-reader, containers: [{name: app, image: app, env: [{name: AWS_ACCESS_KEY_ID, value: AKIAEXAMPLE}]}]}\n");

        var run = await ExplainAsync("--pod", pod, "--service-accounts-file", ServiceAccounts, "--output", "json");

        Assert.Equal(ExplainCommand.ExitInjected, run.ExitCode);
        var document = JsonNode.Parse(run.Output)!;
        var warning = Assert.Single(document["warnings"]!.AsArray())!;
        Assert.Equal("static-keys", warning["code"]!.GetValue<string>());
        Assert.False(warning["breaksCredentials"]!.GetValue<bool>());
        Assert.Equal("injected", document["verdict"]!.GetValue<string>());
    }

    [Fact]
    public void Help_lists_the_exit_code_for_credentials_that_will_not_work()
    {
        using var help = new StringWriter();

        ExplainCommand.WriteHelp(help);

        Assert.Equal(4, ExplainCommand.ExitInjectedWillNotWork);
        Assert.Contains("0 every pod gets credentials that can work; 3 some pod gets none", help.ToString(), StringComparison.Ordinal);
        Assert.Contains("4 every pod gets them but some will not work", help.ToString(), StringComparison.Ordinal);
    }

    // Manifests are user input: a field of an unexpected type must end in a message, not a crash.
    [Theory]
    [InlineData("pod without metadata", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: app}]\n")]
    [InlineData("namespace a number", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: 123}\nspec:\n  containers: [{name: app}]\n")]
    [InlineData("serviceAccountName a number", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: 42\n  containers: [{name: app}]\n")]
    [InlineData("metadata a list", "apiVersion: v1\nkind: Pod\nmetadata: [a]\nspec:\n  containers: [{name: app}]\n")]
    [InlineData("workload name a number", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: 7}\nspec:\n  template:\n    spec:\n      containers: [{name: app}]\n")]
    public async Task Manifest_with_a_field_of_an_unexpected_type_ends_with_a_message_not_a_crash(string what, string manifest)
    {
        var pod = _directory.Write("pod.yaml", manifest);

        var run = await ExplainAsync("--pod", pod, "--service-accounts-file", ServiceAccounts);

        Assert.True(run.ExitCode is 0 or 1 or ExplainCommand.ExitNotInjected, $"{what}: exit {run.ExitCode}");
        Assert.True(run.ExitCode != 1 || run.Error.Length > 0, $"{what}: exit 1 without a message");
    }

    private static string Pod(string serviceAccount) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          namespace: default
        spec:
          serviceAccountName: {serviceAccount}
          containers:
            - name: app
              image: busybox
        """;

    private static string[] EnvNames(JsonNode pod, string field, int index) =>
        [.. pod["spec"]![field]![index]!["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>())];

    private static async Task<ExplainRun> ExplainAsync(params string[] args)
    {
        var (exitCode, output, error) = await ExplainRunner.RunAsync(args);
        return new ExplainRun(exitCode, output, error);
    }

    /// <summary>What explain printed: the report, a <c>---</c> line, the pod, then the summary line.</summary>
    private sealed record ExplainRun(int ExitCode, string Output, string Error)
    {
        private const string Separator = "\n---\n";

        public string Report => Output.Contains(Separator, StringComparison.Ordinal)
            ? Output[..(Output.IndexOf(Separator, StringComparison.Ordinal) + 1)]
            : Output;

        /// <summary>The pod printed after the report, without the summary line that ends the output.</summary>
        public string Manifest => Output.Contains(Separator, StringComparison.Ordinal)
            ? Output[(Output.IndexOf(Separator, StringComparison.Ordinal) + Separator.Length)..Output.LastIndexOf("Summary: ", StringComparison.Ordinal)]
            : throw new InvalidOperationException($"explain printed no pod:\n{Output}\n{Error}");

        public JsonNode YamlPod() => Assert.Single(YamlJson.ParseDocuments(Manifest));
    }
}
