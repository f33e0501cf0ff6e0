using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Mutation;

/// <summary>
/// Builds what a case runs against from the product's own parsers, the way the process
/// does from its flags and files: options from <see cref="FlagParser"/>, ServiceAccounts
/// through <see cref="ServiceAccountFileParser"/> (the --service-accounts-file path), the
/// ConfigMap table through <see cref="ConfigMapEntries"/>, the container-credentials file
/// through <see cref="ContainerCredentialsIdentities"/>, and the real <see cref="IdentityResolver"/>.
/// The only place the harness touches those APIs.
/// </summary>
internal sealed record MutationCaseEnvironment(WebhookOptions Options, IdentityResolver Resolver)
{
    public static MutationCaseEnvironment Create(MutationCase testCase)
    {
        var parsed = FlagParser.Parse(testCase.Args);
        var options = parsed.Options
            ?? throw new InvalidDataException($"{testCase.Name}: args do not parse: {parsed.Error}");

        var parser = new ServiceAccountParser(options, NullLogger<ServiceAccountParser>.Instance);
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray(testCase.ServiceAccounts.Select(a => a.DeepClone()).ToArray()),
        };
        var accounts = ServiceAccountFileParser.Parse(Encoding.UTF8.GetBytes(list.ToJsonString()), parser);

        return new MutationCaseEnvironment(
            options,
            new IdentityResolver(
                options,
                new ServiceAccountSnapshot(accounts.Values),
                ConfigMap(testCase, options),
                ContainerCredentials(testCase, options)));
    }

    private static ConfigMapEntries ConfigMap(MutationCase testCase, WebhookOptions options)
    {
        if (testCase.ConfigMap is null)
        {
            return ConfigMapEntries.Empty;
        }

        // The process reads the ConfigMap only with --watch-config-map; a case must say so too.
        if (!options.WatchConfigMap)
        {
            throw new InvalidDataException($"{testCase.Name}: configMap needs --watch-config-map in args");
        }

        return ConfigMapEntries.TryParse(testCase.ConfigMap.ToJsonString(), options, out var entries, out var error)
            ? entries
            : throw new InvalidDataException($"{testCase.Name}: configMap is not a valid identity table: {error}");
    }

    private static ContainerCredentialsIdentities ContainerCredentials(MutationCase testCase, WebhookOptions options)
    {
        if (testCase.ContainerCredentials is null)
        {
            return ContainerCredentialsIdentities.Empty;
        }

        if (options.WatchContainerCredentialsConfig.Length == 0)
        {
            throw new InvalidDataException($"{testCase.Name}: containerCredentials needs --watch-container-credentials-config in args");
        }

        var file = new JsonObject { ["identities"] = testCase.ContainerCredentials.DeepClone() };
        return ContainerCredentialsIdentities.Parse(Encoding.UTF8.GetBytes(file.ToJsonString()));
    }
}
