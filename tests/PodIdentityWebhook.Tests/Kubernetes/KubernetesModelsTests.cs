using System.Text.Json;
using k8s.Models;
using PodIdentityWebhook.Kubernetes;

namespace PodIdentityWebhook.Tests.Kubernetes;

/// <summary>
/// What the webhook decodes of the objects the API server sends: the names, resource
/// versions, annotations and ConfigMap data it reads, and none of the rest.
/// </summary>
public sealed class KubernetesModelsTests
{
    // A ServiceAccount as a kube-apiserver lists it: managedFields, labels, owners, secrets.
    private const string ServiceAccountJson = """
        {"kind":"ServiceAccount","apiVersion":"v1",
         "metadata":{"name":"app-3","namespace":"startup-3","uid":"bf36ffbe-4f13-4f4e-ad09-86e2ad8cb47e",
           "resourceVersion":"216","creationTimestamp":"2026-12-05T14:28:54Z",
           "labels":{"team":"payments"},
           "annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/app-3","eks.amazonaws.com/audience":"sts.amazonaws.com"},
           "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"1"}],
           "managedFields":[{"manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":"2026-12-05T14:28:54Z",
             "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:eks.amazonaws.com/role-arn":{}}}}}]},
         "secrets":[{"name":"app-3-token"}],"imagePullSecrets":[{"name":"registry"}],"automountServiceAccountToken":false}
        """;

    [Fact]
    public void A_ServiceAccount_keeps_what_the_cache_reads()
    {
        var serviceAccount = JsonSerializer.Deserialize(ServiceAccountJson, KubernetesModels.Read<V1ServiceAccount>())!;

        Assert.Equal("v1", serviceAccount.ApiVersion);
        Assert.Equal("ServiceAccount", serviceAccount.Kind);
        Assert.Equal("app-3", serviceAccount.Metadata.Name);
        Assert.Equal("startup-3", serviceAccount.Metadata.NamespaceProperty);
        Assert.Equal("216", serviceAccount.Metadata.ResourceVersion);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["eks.amazonaws.com/role-arn"] = "arn:aws:iam::111122223333:role/app-3",
                ["eks.amazonaws.com/audience"] = "sts.amazonaws.com",
            },
            serviceAccount.Metadata.Annotations);
    }

    [Fact]
    public void A_ServiceAccount_skips_what_nothing_reads()
    {
        var serviceAccount = JsonSerializer.Deserialize(ServiceAccountJson, KubernetesModels.Read<V1ServiceAccount>())!;

        Assert.Null(serviceAccount.Metadata.ManagedFields);
        Assert.Null(serviceAccount.Metadata.Labels);
        Assert.Null(serviceAccount.Metadata.OwnerReferences);
        Assert.Null(serviceAccount.Metadata.Uid);
        Assert.Null(serviceAccount.Metadata.CreationTimestamp);
        Assert.Null(serviceAccount.Secrets);
        Assert.Null(serviceAccount.ImagePullSecrets);
        Assert.Null(serviceAccount.AutomountServiceAccountToken);
    }

    [Fact]
    public void A_list_keeps_its_items_and_its_resume_point()
    {
        var json = $$"""{"kind":"ServiceAccountList","apiVersion":"v1","metadata":{"resourceVersion":"1212","continue":"next-page"},"items":[{{ServiceAccountJson}},{{ServiceAccountJson}}]}""";

        var list = JsonSerializer.Deserialize(json, KubernetesModels.Read<V1ServiceAccountList>())!;

        Assert.Equal("1212", list.Metadata.ResourceVersion);
        Assert.Equal("next-page", list.Metadata.ContinueProperty);
        Assert.Equal(2, list.Items.Count);
        Assert.All(list.Items, item =>
        {
            Assert.Equal("app-3", item.Metadata.Name);
            Assert.Null(item.Metadata.ManagedFields);
        });
    }

    [Fact]
    public void A_watch_event_object_decodes_the_same_way()
    {
        using var watchEvent = JsonDocument.Parse($$"""{"type":"MODIFIED","object":{{ServiceAccountJson}}}""");

        var serviceAccount = watchEvent.RootElement.GetProperty("object").Deserialize(KubernetesModels.Read<V1ServiceAccount>())!;

        Assert.Equal("arn:aws:iam::111122223333:role/app-3", serviceAccount.Metadata.Annotations["eks.amazonaws.com/role-arn"]);
        Assert.Null(serviceAccount.Metadata.ManagedFields);
    }

    [Fact]
    public void A_ConfigMap_keeps_its_data()
    {
        const string json = """
            {"kind":"ConfigMap","apiVersion":"v1",
             "metadata":{"name":"pod-identity-webhook","namespace":"kube-system","resourceVersion":"7",
               "managedFields":[{"manager":"kubectl","fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]},
             "data":{"config":"{\"default/app\":{\"RoleARN\":\"arn:aws:iam::111122223333:role/app\"}}"}}
            """;

        var configMap = JsonSerializer.Deserialize(json, KubernetesModels.Read<V1ConfigMap>())!;

        Assert.Equal("pod-identity-webhook", configMap.Metadata.Name);
        Assert.Equal("7", configMap.Metadata.ResourceVersion);
        Assert.Equal("""{"default/app":{"RoleARN":"arn:aws:iam::111122223333:role/app"}}""", configMap.Data["config"]);
        Assert.Null(configMap.Metadata.ManagedFields);
    }
}
