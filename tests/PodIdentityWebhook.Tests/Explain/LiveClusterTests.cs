using System.Text.Json.Nodes;
using PodIdentityWebhook.Explain;

namespace PodIdentityWebhook.Tests.Explain;

/// <summary>
/// The parts of <see cref="LiveCluster"/> that read API objects, on objects written here: which
/// rules send pod CREATE, the ServiceAccount name rule, the role annotation's managedFields time,
/// EndpointSlice readiness. The reads themselves run against a real API server in the E2E suite.
/// </summary>
public class LiveClusterTests
{
    private const string Annotation = "eks.amazonaws.com/role-arn";

    [Theory]
    [InlineData("""{"apiGroups":[""],"resources":["pods"],"operations":["CREATE"]}""", true)]
    [InlineData("""{"apiGroups":["*"],"resources":["*"],"operations":["*"],"scope":"*"}""", true)]
    [InlineData("""{"apiGroups":[""],"resources":["*/*"],"operations":["UPDATE","CREATE"],"scope":"Namespaced"}""", true)]
    [InlineData("""{"apiGroups":["apps"],"resources":["pods"],"operations":["CREATE"]}""", false)]
    [InlineData("""{"apiGroups":[""],"resources":["pods/exec"],"operations":["CREATE"]}""", false)]
    [InlineData("""{"apiGroups":[""],"resources":["configmaps"],"operations":["CREATE"]}""", false)]
    [InlineData("""{"apiGroups":[""],"resources":["pods"],"operations":["UPDATE"]}""", false)]
    [InlineData("""{"apiGroups":[""],"resources":["pods"],"operations":["CREATE"],"scope":"Cluster"}""", false)]
    [InlineData("""{"resources":["pods"],"operations":["CREATE"]}""", false)]
    public void Rule_covers_pod_create(string rule, bool covers)
    {
        Assert.Equal(covers, LiveCluster.CoversPodCreate(JsonNode.Parse(rule)));
    }

    [Theory]
    [InlineData("""{"serviceAccountName":"app","serviceAccount":"old"}""", "app")]
    [InlineData("""{"serviceAccount":"old"}""", "old")]
    [InlineData("""{"serviceAccountName":"","serviceAccount":"old"}""", "old")]
    [InlineData("""{}""", "default")]
    [InlineData("""{"serviceAccountName":7}""", "default")]
    public void Service_account_name_follows_the_API_server(string spec, string name)
    {
        Assert.Equal(name, LiveCluster.ServiceAccountNameOf(JsonNode.Parse(spec)));
    }

    [Fact]
    public void Pod_spec_is_read_from_the_template_of_each_kind()
    {
        var template = new JsonObject { ["spec"] = new JsonObject { ["serviceAccountName"] = "t" } };
        var deployment = new JsonObject { ["spec"] = new JsonObject { ["template"] = template.DeepClone() } };
        var cronJob = new JsonObject
        {
            ["spec"] = new JsonObject { ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = template.DeepClone() } } },
        };
        Assert.Equal("t", LiveCluster.ServiceAccountNameOf(LiveCluster.PodSpecOf("Deployment", deployment)));
        Assert.Equal("t", LiveCluster.ServiceAccountNameOf(LiveCluster.PodSpecOf("CronJob", cronJob)));
        Assert.Null(LiveCluster.PodSpecOf("Job", new JsonObject()));
    }

    [Fact]
    public void Role_annotation_time_is_the_latest_manager_owning_it()
    {
        var serviceAccount = ServiceAccount(
            ("kubectl-client-side-apply", "2024-05-01T10:00:00Z", true),
            ("kubectl-annotate", "2024-05-03T08:30:00Z", true),
            ("kube-controller-manager", "2024-06-01T00:00:00Z", false));
        Assert.Equal(new DateTimeOffset(2024, 5, 3, 8, 30, 0, TimeSpan.Zero), LiveCluster.RoleAnnotationSetAt(serviceAccount, Annotation));
    }

    [Fact]
    public void Role_annotation_time_is_unknown_without_an_owner_or_the_annotation()
    {
        Assert.Null(LiveCluster.RoleAnnotationSetAt(ServiceAccount(("other", "2024-05-01T10:00:00Z", false)), Annotation));
        var unannotated = ServiceAccount(("kubectl", "2024-05-01T10:00:00Z", true));
        unannotated["metadata"]!.AsObject().Remove("annotations");
        Assert.Null(LiveCluster.RoleAnnotationSetAt(unannotated, Annotation));
        Assert.Null(LiveCluster.RoleAnnotationSetAt(null, Annotation));
    }

    [Theory]
    [InlineData("""{"items":[{"endpoints":[{"conditions":{"ready":false}},{"conditions":{}}]}]}""", true)]
    [InlineData("""{"items":[{"endpoints":[{"conditions":{"ready":true}}]}]}""", true)]
    [InlineData("""{"items":[{"endpoints":[{"conditions":{"ready":false}}]}]}""", false)]
    [InlineData("""{"items":[{"endpoints":null},{"endpoints":[]}]}""", false)]
    [InlineData("""{"items":[]}""", false)]
    public void Endpoint_slices_are_ready_unless_marked_unready(string slices, bool ready)
    {
        Assert.Equal(ready, LiveCluster.AnyReadyEndpoint(JsonNode.Parse(slices)!.AsObject()));
    }

    [Fact]
    public void Webhooks_are_listed_with_their_defaults()
    {
        var list = JsonNode.Parse("""
            {"items":[
              {"metadata":{"name":"piw"},"webhooks":[
                {"name":"pods.example","clientConfig":{"service":{"namespace":"sys","name":"piw"},"caBundle":"Y2E="},
                 "rules":[{"apiGroups":[""],"resources":["pods"],"operations":["CREATE"]}],
                 "objectSelector":{"matchLabels":{"a":"b"}}},
                {"name":"cms.example","clientConfig":{"url":"https://x"},
                 "rules":[{"apiGroups":[""],"resources":["configmaps"],"operations":["CREATE"]}]}]},
              {"metadata":{"name":"url"},"webhooks":[
                {"name":"all.example","failurePolicy":"Ignore","clientConfig":{"url":"https://y"},
                 "rules":[{"apiGroups":["*"],"resources":["*"],"operations":["*"]}]}]}]}
            """)!.AsObject();
        var webhooks = LiveCluster.PodCreateWebhooks(list);
        Assert.Equal(2, webhooks.Count);
        Assert.Equal(("piw", "pods.example", "Fail", "sys", "piw", (string?)null, true),
            (webhooks[0].Configuration, webhooks[0].Name, webhooks[0].FailurePolicy, webhooks[0].ServiceNamespace, webhooks[0].ServiceName, webhooks[0].Url, webhooks[0].HasCaBundle));
        Assert.Equal("b", webhooks[0].ObjectSelector!["matchLabels"]!["a"]!.GetValue<string>());
        Assert.Null(webhooks[0].NamespaceSelector);
        Assert.Equal(("url", "all.example", "Ignore", "https://y", false, (string?)null),
            (webhooks[1].Configuration, webhooks[1].Name, webhooks[1].FailurePolicy, webhooks[1].Url, webhooks[1].HasCaBundle, webhooks[1].ServiceName));
    }

    private static JsonObject ServiceAccount(params (string Manager, string Time, bool OwnsAnnotation)[] entries)
    {
        var managedFields = new JsonArray();
        foreach (var (manager, time, owns) in entries)
        {
            var annotations = new JsonObject { ["."] = new JsonObject() };
            annotations[owns ? "f:" + Annotation : "f:other"] = new JsonObject();
            managedFields.Add(new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = "Update",
                ["time"] = time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = new JsonObject { ["f:metadata"] = new JsonObject { ["f:annotations"] = annotations } },
            });
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "app",
                ["annotations"] = new JsonObject { [Annotation] = "arn:aws:iam::111122223333:role/app" },
                ["managedFields"] = managedFields,
            },
        };
    }
}
