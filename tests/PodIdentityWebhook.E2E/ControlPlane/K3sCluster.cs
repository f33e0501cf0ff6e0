using System.Globalization;
using System.Net;
using DotNet.Testcontainers.Builders;
using Testcontainers.K3s;

namespace PodIdentityWebhook.E2E.ControlPlane;

/// <summary>
/// k3s in a Docker container (Testcontainers.K3s), for <c>E2E_CLUSTER=k3s</c>. Its kubeconfig
/// reaches the API server on a port mapped to this host; the webhook, a process on this host,
/// must be reachable from inside the container, so it listens on the container's default
/// gateway: this host's address on the Docker bridge (Docker on Linux; elsewhere set
/// <c>E2E_WEBHOOK_HOST</c> to an address of this host the container reaches).
/// </summary>
internal sealed class K3sCluster : IAsyncDisposable
{
    /// <summary>Overrides the k3s image (a rancher/k3s tag).</summary>
    public const string ImageVariable = "E2E_K3S_IMAGE";

    /// <summary>The Kubernetes minor version the envtest CI job runs too.</summary>
    public const string DefaultImage = "rancher/k3s:v1.31.4-k3s1";

    private readonly K3sContainer _container;

    private K3sCluster(K3sContainer container, string kubeconfigPath, IPAddress gateway)
    {
        _container = container;
        KubeconfigPath = kubeconfigPath;
        Gateway = gateway;
    }

    public string KubeconfigPath { get; }

    /// <summary>The container's default gateway: an address of this host the API server reaches.</summary>
    public IPAddress Gateway { get; }

    public static async Task<K3sCluster> StartAsync(string folder)
    {
        var image = Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } configured ? configured : DefaultImage;
        K3sContainer container;
        try
        {
            container = new K3sBuilder(image).Build();
            await container.StartAsync();
        }
        catch (DockerUnavailableException ex)
        {
            throw NoDocker(ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw NoDocker(ex);
        }

        try
        {
            var kubeconfigPath = Path.Combine(folder, "k3s-kubeconfig");
            await File.WriteAllTextAsync(kubeconfigPath, await container.GetKubeconfigAsync());
            var routes = await container.ExecAsync(["cat", "/proc/net/route"]);
            var gateway = DefaultGateway(routes.Stdout)
                ?? throw new InvalidOperationException(
                    $"the k3s container has no default route ({routes.Stderr.Trim()}); set E2E_WEBHOOK_HOST to an address of this host it reaches");
            return new K3sCluster(container, kubeconfigPath, gateway);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The gateway of the default route in a Linux <c>/proc/net/route</c> table (destination
    /// 00000000; addresses are hex of their bytes read as a native integer); null when there is none.
    /// </summary>
    public static IPAddress? DefaultGateway(string routeTable)
    {
        foreach (var line in routeTable.Split('\n').Skip(1))
        {
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3 || fields[1] != "00000000"
                || !uint.TryParse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway) || gateway == 0)
            {
                continue;
            }

            // The kernel prints the address's bytes read as a native integer: native order back.
            return new IPAddress(BitConverter.GetBytes(gateway));
        }

        return null;
    }

    public async ValueTask DisposeAsync() => await _container.DisposeAsync();

    private static InvalidOperationException NoDocker(Exception inner) => new(
        $"{ClusterSelection.ClusterVariable}={ClusterSelection.K3s} runs k3s in a Docker container (Testcontainers.K3s) "
        + "and needs a Docker engine, but none answered: start Docker, or point DOCKER_HOST at one. "
        + $"Unset {ClusterSelection.ClusterVariable} for the suite's own control plane. Docker said: {inner.Message}",
        inner);
}
