using System.Text.Json.Nodes;
using PodIdentityWebhook.E2E.ControlPlane;
using PodIdentityWebhook.E2E.Shipping;
using PodIdentityWebhook.Manifests;
using Xunit.Abstractions;

namespace PodIdentityWebhook.E2E.Observability;

/// <summary>
/// The chart's alerts under promtool's rule unit tests (TestData/prometheus/alerts.test.yml,
/// each alert firing when it should and not before), and the Grafana dashboard as the chart and
/// deploy/monitoring ship it: one JSON, in a ConfigMap that Grafana's sidecar picks up.
/// </summary>
public sealed class ShippedMonitoringTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_chart_alerts_pass_promtool_rule_unit_tests()
    {
        PrometheusServer.RequireInstalled();
        var rendered = await MonitoringAssets.RenderAsync("pod-identity-webhook", "pod-identity-webhook", "5m");
        var folder = Directory.CreateTempSubdirectory("piw-promtool-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "rules.yml"), rendered.RuleFile);
            var tests = Path.Combine(folder, "alerts.test.yml");
            File.Copy(Path.Combine(ControlPlaneAssets.RepositoryRoot(), "tests", "PodIdentityWebhook.E2E", "TestData", "prometheus", "alerts.test.yml"), tests);
            output.WriteLine(await Tool.RunCheckedAsync(PrometheusServer.Promtool, ["check", "rules", Path.Combine(folder, "rules.yml")]));
            output.WriteLine(await Tool.RunCheckedAsync(PrometheusServer.Promtool, ["test", "rules", tests]));

            // Every alert the chart ships has a case in the unit tests.
            var cases = await File.ReadAllTextAsync(tests);
            Assert.All(rendered.Alerts.Keys, alert => Assert.Contains("alertname: " + alert, cases, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Deploy_monitoring_ships_the_chart_dashboard_unchanged()
    {
        var root = ControlPlaneAssets.RepositoryRoot();
        Assert.Equal(
            File.ReadAllText(Path.Combine(root, MonitoringAssets.DashboardPath)),
            File.ReadAllText(Path.Combine(root, "deploy", "monitoring", "pod-identity-webhook.json")));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task The_chart_puts_the_dashboard_in_a_ConfigMap_for_the_Grafana_sidecar(int major)
    {
        var (exit, stdout, stderr) = await ChartTests.TemplateAsync(major, "piw", "webhooks",
            "--set", "metrics.dashboard.enabled=true", "--set", "metrics.dashboard.namespace=monitoring", "--set", "metrics.dashboard.annotations.grafana_folder=AWS");
        Assert.True(exit == 0, stderr);
        var configMap = Assert.Single(YamlJson.ParseDocuments(stdout).OfType<JsonObject>(), d =>
            ShippedManifests.Kind(d) == "ConfigMap" && ShippedManifests.Name(d).EndsWith("-dashboard", StringComparison.Ordinal));
        Assert.Equal("monitoring", configMap["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("1", configMap["metadata"]!["labels"]!["grafana_dashboard"]!.GetValue<string>());
        Assert.Equal("AWS", configMap["metadata"]!["annotations"]!["grafana_folder"]!.GetValue<string>());
        var shipped = JsonNode.Parse(File.ReadAllText(Path.Combine(ControlPlaneAssets.RepositoryRoot(), MonitoringAssets.DashboardPath)));
        Assert.True(JsonNode.DeepEquals(shipped, JsonNode.Parse(configMap["data"]!["pod-identity-webhook.json"]!.GetValue<string>())));

        var (_, byDefault, _) = await ChartTests.TemplateAsync(major, "piw", "webhooks");
        Assert.DoesNotContain("-dashboard", byDefault, StringComparison.Ordinal);
    }
}
