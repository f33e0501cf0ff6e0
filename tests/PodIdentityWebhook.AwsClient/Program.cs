using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using PodIdentityWebhook.AwsClient;

// A workload as the webhook's users write it: an STS client built with nothing in code, so
// the credentials come from the SDK's default chain (web identity or container credentials,
// from the variables the webhook injected) and the endpoint and region from the SDK's own
// environment settings (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, AWS_REGION). What it prints
// is what the in-cluster tests read from the pod's log.

if (args.Length == 0 || args[0] != "caller-identity")
{
    await Console.Error.WriteLineAsync("usage: PodIdentityWebhook.AwsClient caller-identity [--wait-seconds N]");
    return 2;
}

// Native AOT cannot load the STS client by reflection for the web-identity provider's own
// AssumeRoleWithWebIdentity call; the SDK's documented way is to register a factory. The
// client is built with anonymous credentials and the region the SDK resolved, as the SDK's
// reflection fallback builds it, so its endpoint still comes from the environment.
GlobalRuntimeDependencyRegistry.Instance.RegisterSecurityTokenServiceClient(
    context => new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), context.SecurityTokenServiceClientContextData.Region));

int exitCode;
try
{
    using var sts = new AmazonSecurityTokenServiceClient();
    var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
    var line = JsonSerializer.Serialize(new CallerIdentity(identity.Arn, identity.Account, identity.UserId), ClientJsonContext.Default.CallerIdentity);
    Console.WriteLine("caller-identity: " + line);
    exitCode = 0;
}
catch (Exception e) when (ServiceError(e) is { } error)
{
    // The credential provider wraps STS's answer to AssumeRoleWithWebIdentity (or the
    // container endpoint's) in client exceptions; the test wants STS's own code.
    Console.WriteLine($"error: {error.ErrorCode}: {error.Message}");
    exitCode = 1;
}
catch (Exception e)
{
    Console.WriteLine($"error: {e.GetType().Name}: {e.Message}");
    // The whole chain, for whoever reads the log of a failure that is not STS's answer.
    await Console.Error.WriteLineAsync(e.ToString());
    exitCode = 1;
}

await Console.Out.FlushAsync();
if (args.Length == 3 && args[1] == "--wait-seconds")
{
    // Keeps a pod running after its answer, so a test can read the log before it restarts.
    await Task.Delay(TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture)));
}

return exitCode;

static AmazonServiceException? ServiceError(Exception? e)
{
    for (; e is not null; e = e.InnerException)
    {
        if (e is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode))
        {
            return service;
        }
    }

    return null;
}
