using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Benchmarks;

/// <summary>
/// Inputs shaped like what the API server sends for a Deployment's pod: the review wrapper,
/// a pod with the defaults the API server fills in (the kube-api-access volume, tolerations,
/// scheduler fields), and a cluster of 1,000 ServiceAccounts of which one is the pod's.
/// </summary>
internal static class ReviewFixtures
{
    public const string Namespace = "payments";
    public const string ServiceAccountName = "checkout-api";
    public const int ServiceAccountCount = 1000;

    public static WebhookOptions Options { get; } = new() { AwsDefaultRegion = "eu-west-1", StsRegionalEndpoint = true };

    /// <summary>The pod's ServiceAccount plus 999 others across 25 namespaces, a third of them annotated.</summary>
    public static ServiceAccountSnapshot ServiceAccounts()
    {
        var parser = new ServiceAccountParser(Options, NullLogger<ServiceAccountParser>.Instance);
        var roleArn = Options.AnnotationPrefix + "/role-arn";
        var accounts = new List<ServiceAccountIdentity>(ServiceAccountCount)
        {
            parser.Parse(Namespace, ServiceAccountName, "1041",
                new Dictionary<string, string> { [roleArn] = "arn:aws:iam::111122223333:role/checkout-api" }),
        };
        for (var i = 1; i < ServiceAccountCount; i++)
        {
            var annotations = i % 3 == 0
                ? new Dictionary<string, string> { [roleArn] = $"arn:aws:iam::111122223333:role/app-{i}" }
                : null;
            accounts.Add(parser.Parse($"team-{i % 25}", $"app-{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), annotations));
        }

        return new ServiceAccountSnapshot(accounts);
    }

    /// <summary>A typical pod: one container, a few env vars, resources, the kube-api-access mount.</summary>
    public static byte[] OneContainerReview() => Review(containers: 1, envPerContainer: 4);

    /// <summary>A large pod: ten containers with fifty env vars each.</summary>
    public static byte[] TenContainerReview() => Review(containers: 10, envPerContainer: 50);

    /// <summary>The pod object inside <see cref="OneContainerReview"/>.</summary>
    public static byte[] OneContainerPod() =>
        Encoding.UTF8.GetBytes(JsonNode.Parse(OneContainerReview())!["request"]!["object"]!.ToJsonString());

    private static byte[] Review(int containers, int envPerContainer)
    {
        var review = JsonNode.Parse(ReviewTemplate)!;
        var list = review["request"]!["object"]!["spec"]!["containers"]!.AsArray();
        var template = list[0]!;
        list.Clear();
        for (var c = 0; c < containers; c++)
        {
            var container = template.DeepClone();
            container["name"] = c == 0 ? "checkout-api" : $"sidecar-{c}";
            var env = container["env"]!.AsArray();
            for (var e = env.Count; e < envPerContainer; e++)
            {
                env.Add(new JsonObject { ["name"] = $"FEATURE_FLAG_{e}", ["value"] = $"value-{e}" });
            }

            list.Add(container);
        }

        return Encoding.UTF8.GetBytes(review.ToJsonString());
    }

    private const string ReviewTemplate = """
        {
          "kind": "AdmissionReview",
          "apiVersion": "admission.k8s.io/v1",
          "request": {
            "uid": "0d2e7a4c-5b1f-4c9e-8f3a-2a6b9c1d7e40",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": "payments",
            "operation": "CREATE",
            "userInfo": {
              "username": "system:serviceaccount:kube-system:replicaset-controller",
              "uid": "8a7f3c2e-1d4b-4e6a-9c8d-5f2b1a3e7d90",
              "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]
            },
            "object": {
              "kind": "Pod",
              "apiVersion": "v1",
              "metadata": {
                "generateName": "checkout-api-7d9f8b6c5d-",
                "namespace": "payments",
                "creationTimestamp": null,
                "labels": {
                  "app.kubernetes.io/name": "checkout-api",
                  "app.kubernetes.io/part-of": "shop",
                  "pod-template-hash": "7d9f8b6c5d"
                },
                "annotations": {"kubectl.kubernetes.io/restartedAt": "2025-01-14T09:12:44Z"},
                "ownerReferences": [{
                  "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "checkout-api-7d9f8b6c5d",
                  "uid": "3c1d9e7f-6a2b-4d8c-b5e1-9f0a2c4d6e81", "controller": true, "blockOwnerDeletion": true
                }]
              },
              "spec": {
                "volumes": [{
                  "name": "kube-api-access-x7k2p",
                  "projected": {
                    "sources": [
                      {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                      {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                      {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
                    ],
                    "defaultMode": 420
                  }
                }],
                "containers": [{
                  "name": "checkout-api",
                  "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:1.42.0",
                  "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                  "env": [
                    {"name": "ASPNETCORE_URLS", "value": "http://+:8080"},
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "ORDERS_TABLE", "value": "orders-prod"},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}}
                  ],
                  "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "250m", "memory": "256Mi"}},
                  "volumeMounts": [{"name": "kube-api-access-x7k2p", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
                  "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10},
                  "terminationMessagePath": "/dev/termination-log",
                  "terminationMessagePolicy": "File",
                  "imagePullPolicy": "IfNotPresent"
                }],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "serviceAccountName": "checkout-api",
                "serviceAccount": "checkout-api",
                "securityContext": {},
                "schedulerName": "default-scheduler",
                "tolerations": [
                  {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                  {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
                ],
                "priority": 0,
                "enableServiceLinks": true,
                "preemptionPolicy": "PreemptLowerPriority"
              },
              "status": {}
            },
            "oldObject": null,
            "dryRun": false,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}
          }
        }
        """;
}
