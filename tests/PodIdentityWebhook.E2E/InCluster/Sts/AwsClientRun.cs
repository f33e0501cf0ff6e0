namespace PodIdentityWebhook.E2E.InCluster.Sts;

/// <summary>What one run of the AWS SDK test client printed and how it exited.</summary>
internal sealed record AwsClientRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
