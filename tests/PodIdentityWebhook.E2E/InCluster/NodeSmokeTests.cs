namespace PodIdentityWebhook.E2E.InCluster;

/// <summary>
/// The image users get, run as a pod by a real kubelet: it starts under the image's own
/// non-root user with a read-only root filesystem, reaches the API server through the
/// kubernetes Service with the token the kubelet projected for it, and becomes ready (which
/// waits for its ServiceAccount cache); a token projected for STS's audience is read inside a
/// container and checks out against the issuer's published keys.
/// </summary>
[Collection(NodeClusterGroup.Name)]
public sealed class NodeSmokeTests(NodeCluster cluster)
{
    [NodeClusterFact]
    public async Task The_webhook_image_runs_as_a_pod_and_a_projected_token_reads_back_signed_by_the_issuer()
    {
        await using var ns = await cluster.CreateNamespaceAsync("smoke");
        await cluster.KubectlWithInputAsync(Manifest(ns.Name), "apply", "-f", "-");

        await cluster.KubectlAsync("-n", ns.Name, "wait", "pod/smoke", "--for=condition=Ready", "--timeout=120s");

        var pod = await cluster.GetJsonAsync("-n", ns.Name, "get", "pod", "smoke");
        var webhook = pod["status"]!["containerStatuses"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "webhook")!;
        Assert.True(webhook["ready"]!.GetValue<bool>());
        Assert.Equal(0, webhook["restartCount"]!.GetValue<int>());
        Assert.Equal(NodeCluster.WebhookImage, webhook["image"]!.GetValue<string>());
        Assert.Equal(cluster.NodeName, pod["spec"]!["nodeName"]!.GetValue<string>());

        // The webhook listed ServiceAccounts through the API server before it said ready.
        var log = await cluster.KubectlAsync("-n", ns.Name, "logs", "smoke", "-c", "webhook");
        Assert.DoesNotContain("\"Level\":\"Error\"", log, StringComparison.Ordinal);

        var token = IssuedToken.Parse(await cluster.KubectlAsync("-n", ns.Name, "exec", "smoke", "-c", "reader", "--", "cat", "/var/run/secrets/sts/token"));
        Assert.Equal(["sts.amazonaws.com"], token.Audiences);
        Assert.Equal($"system:serviceaccount:{ns.Name}:smoke", token.Subject);
        Assert.Equal(cluster.Issuer, token.Issuer);
        Assert.InRange(token.Expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(61));
        Assert.True(await token.VerifiesAgainstIssuerAsync(cluster.CaFile), "the token's signature does not verify against the issuer's JWKS");

        // The reader runs as the user it was given, not root: the file is readable by the pod's fsGroup.
        Assert.Equal("1000", (await cluster.KubectlAsync("-n", ns.Name, "exec", "smoke", "-c", "reader", "--", "id", "-u")).Trim());
    }

    private static string Manifest(string ns) => $$"""
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: smoke, namespace: {{ns}}}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: {{ns}}-read-serviceaccounts
          labels: {"{{TestNamespace.OwnerLabel}}": {{ns}} }
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{kind: ServiceAccount, name: smoke, namespace: {{ns}}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: smoke, namespace: {{ns}}}
        spec:
          serviceAccountName: smoke
          securityContext: {runAsNonRoot: true, fsGroup: 1000}
          containers:
            - name: webhook
              image: {{NodeCluster.WebhookImage}}
              imagePullPolicy: Never
              args: [--port=8443, --metrics-port=9999, --self-signed-cert, --aws-default-region=us-west-2]
              securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
              readinessProbe:
                httpGet: {path: /readyz, port: 8443, scheme: HTTPS}
                periodSeconds: 1
            - name: reader
              image: {{NodeCluster.ToolboxImage}}
              imagePullPolicy: Never
              command: [sleep, "3600"]
              securityContext: {runAsUser: 1000, readOnlyRootFilesystem: true}
              volumeMounts: [{name: sts, mountPath: /var/run/secrets/sts, readOnly: true}]
          volumes:
            - name: sts
              projected:
                sources:
                  - serviceAccountToken: {audience: sts.amazonaws.com, expirationSeconds: 3600, path: token}
        """;
}
