using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.Manifests;
using static PodIdentityWebhook.E2E.ControlPlane.ShippedManifests;

namespace PodIdentityWebhook.E2E.Shipping;

/// <summary>
/// A tag vX.Y.Z publishes ghcr.io/OWNER/pod-identity-webhook:X.Y.Z and the chart X.Y.Z
/// (.github/workflows/release.yml, which refuses a tag that differs from the chart's version,
/// appVersion or deploy/'s image tag). Both shipped defaults must name that image: the chart
/// through its appVersion, deploy/ literally.
/// </summary>
public sealed partial class ReleaseDefaultsTests
{
    private const string Repository = "ghcr.io/pod-identity-webhook/pod-identity-webhook";

    [Theory]
    [MemberData(nameof(ChartTests.Majors), MemberType = typeof(ChartTests))]
    public async Task The_chart_and_deploy_default_to_the_released_image_of_the_charts_app_version(int major)
    {
        var root = ControlPlaneAssets.RepositoryRoot();
        var chartYaml = File.ReadAllText(Path.Combine(root, "charts", "pod-identity-webhook", "Chart.yaml"));
        var version = ChartField(chartYaml, "version");
        Assert.Equal(version, ChartField(chartYaml, "appVersion"));
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", version);

        var deployment = Read("deploy/base/deployment.yaml").Single(d => Kind(d) == "Deployment");
        Assert.Equal($"{Repository}:{version}", ContainerImage(deployment));

        var (exit, stdout, stderr) = await ChartTests.TemplateAsync(major, "piw", "default");
        Assert.True(exit == 0, stderr);
        var rendered = YamlJson.ParseDocuments(stdout).OfType<JsonObject>().Single(d => Kind(d) == "Deployment");
        Assert.Equal($"{Repository}:{version}", ContainerImage(rendered));
    }

    private static string ContainerImage(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>();

    private static string ChartField(string chartYaml, string field) =>
        ChartLine().Matches(chartYaml).Single(m => m.Groups[1].Value == field).Groups[2].Value;

    [GeneratedRegex("""^(\w+):\s*"?([^"\s]+)"?\s*$""", RegexOptions.Multiline)]
    private static partial Regex ChartLine();
}
