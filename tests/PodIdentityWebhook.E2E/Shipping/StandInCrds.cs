using System.Net;
using PodIdentityWebhook.E2E.ControlPlane;

namespace PodIdentityWebhook.E2E.Shipping;

/// <summary>
/// cert-manager's Issuer and Certificate and the Prometheus Operator's ServiceMonitor, which
/// the shipped manifests use, as stand-in CRDs (TestData/crds) where the cluster lacks them.
/// A cluster that has the real ones keeps them.
/// </summary>
internal static class StandInCrds
{
    private static readonly (string Crd, string Served, string File)[] Kinds =
    [
        ("certificates.cert-manager.io", "/apis/cert-manager.io/v1/certificates", "cert-manager.yaml"),
        ("servicemonitors.monitoring.coreos.com", "/apis/monitoring.coreos.com/v1/servicemonitors", "prometheus-operator.yaml"),
        ("prometheusrules.monitoring.coreos.com", "/apis/monitoring.coreos.com/v1/prometheusrules", "prometheus-operator.yaml"),
    ];

    public static async Task EnsureAsync(ControlPlaneFixture plane)
    {
        foreach (var (crd, served, file) in Kinds)
        {
            if (await plane.Rest.GetStatusAsync($"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{crd}") == HttpStatusCode.NotFound)
            {
                var path = Path.Combine(ControlPlaneAssets.RepositoryRoot(), "tests", "PodIdentityWebhook.E2E", "TestData", "crds", file);
                await ShippedManifests.KubectlApplyAsync(plane, await File.ReadAllTextAsync(path));
            }

            await Poll.UntilAsync(async () => await plane.Rest.GetStatusAsync(served) == HttpStatusCode.OK, TimeSpan.FromSeconds(30), crd + " served");
        }
    }
}
