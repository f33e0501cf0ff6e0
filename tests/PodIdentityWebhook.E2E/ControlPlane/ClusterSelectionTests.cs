using System.Net;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// How the environment picks the cluster, and how the k3s mode finds the address its container
/// reaches this host on: checked here because no run without Docker can start that mode.
/// </summary>
public sealed class ClusterSelectionTests
{
    [Theory]
    [InlineData(null, null, ClusterMode.OwnControlPlane)]
    [InlineData("", "", ClusterMode.OwnControlPlane)]
    [InlineData(null, "/etc/rancher/k3s/k3s.yaml", ClusterMode.ExistingCluster)]
    [InlineData("k3s", null, ClusterMode.K3sContainer)]
    [InlineData("K3S", "", ClusterMode.K3sContainer)]
    public void Variables_select_the_mode(string? cluster, string? kubeconfig, ClusterMode expected) =>
        Assert.Equal(expected, ClusterSelection.Select(cluster, kubeconfig));

    [Fact]
    public void An_unknown_cluster_is_an_error_naming_the_known_one()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClusterSelection.Select("kind", null));
        Assert.Contains("E2E_CLUSTER=kind", error.Message, StringComparison.Ordinal);
        Assert.Contains("k3s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void K3s_and_an_existing_cluster_together_are_an_error() =>
        Assert.Throws<InvalidOperationException>(() => ClusterSelection.Select("k3s", "/tmp/kubeconfig"));

    [Fact]
    public void Default_gateway_is_read_from_the_route_table()
    {
        const string table = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
            + "eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
            + "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
        Assert.Equal(IPAddress.Parse("172.17.0.1"), K3sCluster.DefaultGateway(table));
    }

    [Fact]
    public void No_default_route_gives_no_gateway() =>
        Assert.Null(K3sCluster.DefaultGateway("Iface\tDestination\tGateway\neth0\t000011AC\t00000000\n"));
}
