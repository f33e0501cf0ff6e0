using PodIdentityWebhook.Load;

// One measurement per command; the scripts under scripts/ call these with their setup.
return args switch
{
    ["startup", .. var rest] => await StartupMeasurement.RunAsync(rest),
    ["fuzz", .. var rest] => await FuzzRun.RunAsync(rest),
    ["soak", .. var rest] => await SoakRun.RunAsync(rest),
    ["attack", .. var rest] => await AttackTable.RunAsync(rest),
    ["control-plane", .. var rest] => await ControlPlaneRun.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: PodIdentityWebhook.Load <command> [options]
          startup [--service-accounts N] [--runs N] [--source api|file|both] [--trust-store host|image]
                                              process start to /readyz 200, ServiceAccounts from a real API server and/or a file
          fuzz --url URL --pid PID [--count N] [--seed N] [--write-corpus DIR]
                                              hostile reviews against a running webhook
          soak [--minutes N]                  mixed load with ServiceAccount churn and an API server restart
          attack [--seconds N] [--after N]    the hostile-peer attacks, each against its own webhook in a 256Mi heap
          control-plane --kubeconfig-out FILE
                                              etcd and kube-apiserver until SIGTERM; FILE gets the kubeconfig's path once ready
        """);
    return 2;
}
