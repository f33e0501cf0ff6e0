using System.Globalization;
using System.Text.Json.Nodes;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Mutation;

/// <summary>
/// The only place the case harness touches flag parsing and identity resolution, so the
/// cases run against whatever the product offers for them.
/// </summary>
/// <remarks>
/// TEMPORARY: FlagParser and IdentityResolver (with ServiceAccountParser, ConfigMapEntries
/// and the container-credentials identities) are not on main yet. Until they are, this class
/// holds a minimal stand-in that follows SPEC sections 4 and 5; replace the bodies of
/// <see cref="ParseArgs"/> and <see cref="Create"/> with the real APIs when they land.
/// </remarks>
internal sealed class MutationCaseEnvironment : IIdentityResolver
{
    private readonly Dictionary<(string Namespace, string Name), ServiceAccountIdentity> _serviceAccounts = [];
    private readonly Dictionary<(string Namespace, string Name), ConfigMapEntry> _configMap = [];
    private readonly HashSet<(string Namespace, string ServiceAccount)> _containerCredentials = [];

    private MutationCaseEnvironment(WebhookOptions options) => Options = options;

    public WebhookOptions Options { get; }

    public IIdentityResolver Resolver => this;

    public static MutationCaseEnvironment Create(MutationCase testCase)
    {
        var environment = new MutationCaseEnvironment(ParseArgs(testCase.Args));
        foreach (var account in testCase.ServiceAccounts)
        {
            var identity = environment.ParseServiceAccount(account);
            environment._serviceAccounts[(identity.Namespace, identity.Name)] = identity;
        }

        foreach (var (key, value) in testCase.ConfigMap ?? [])
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            environment._configMap[(key[..slash], key[(slash + 1)..])] = environment.ParseConfigMapEntry(value!.AsObject());
        }

        environment._containerCredentials.UnionWith(testCase.ContainerCredentials);
        return environment;
    }

    private static WebhookOptions ParseArgs(IReadOnlyList<string> args)
    {
        var options = new WebhookOptions();
        foreach (var arg in args)
        {
            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = equals < 0 ? (body, "true") : (body[..equals], body[(equals + 1)..]);
            options = name switch
            {
                "annotation-prefix" => options with { AnnotationPrefix = value },
                "token-audience" => options with { TokenAudience = value },
                "token-mount-path" => options with { TokenMountPath = value },
                "token-expiration" => options with { TokenExpiration = long.Parse(value, CultureInfo.InvariantCulture) },
                "aws-default-region" => options with { AwsDefaultRegion = value },
                "sts-regional-endpoint" => options with { StsRegionalEndpoint = bool.Parse(value) },
                "watch-config-map" => options with { WatchConfigMap = bool.Parse(value) },
                "compose-role-arn" => options with { ComposeRoleArn = bool.Parse(value) },
                "watch-container-credentials-config" => options with { WatchContainerCredentialsConfig = value },
                "container-credentials-audience" => options with { ContainerCredentialsAudience = value },
                "container-credentials-token-mount-path" => options with { ContainerCredentialsTokenMountPath = value },
                "container-credentials-token-volume-name" => options with { ContainerCredentialsTokenVolumeName = value },
                "container-credentials-token-path" => options with { ContainerCredentialsTokenPath = value },
                "container-credentials-full-uri" => options with { ContainerCredentialsFullUri = value },
                _ => throw new InvalidDataException($"the temporary flag parser does not know --{name}"),
            };
        }

        return options;
    }

    public ValueTask<IdentityResolution> ResolveAsync(string @namespace, string serviceAccount, CancellationToken cancellationToken)
    {
        _serviceAccounts.TryGetValue((@namespace, serviceAccount), out var account);
        var entry = FindConfigMapEntry(@namespace, serviceAccount);
        PodIdentity? identity = null;
        if (_containerCredentials.Contains((@namespace, serviceAccount)))
        {
            var (regionalSts, expiration) = account is not null ? (account.UseRegionalSts, account.TokenExpiration)
                : entry is not null ? (entry.UseRegionalSts, entry.TokenExpiration)
                : (false, WellKnown.DefaultTokenExpiration);
            identity = new PodIdentity(
                IdentityMode.ContainerCredentials, null, Options.ContainerCredentialsAudience, regionalSts, expiration, "cc");
        }
        else if (account is { RoleArn: { } roleArn })
        {
            identity = new PodIdentity(
                IdentityMode.WebIdentity, roleArn, account.Audience, account.UseRegionalSts, account.TokenExpiration, "sa");
        }
        else if (entry is not null)
        {
            identity = new PodIdentity(
                IdentityMode.WebIdentity, entry.RoleArn, entry.Audience, entry.UseRegionalSts, entry.TokenExpiration, "cm");
        }

        return ValueTask.FromResult(new IdentityResolution(identity, identity is null ? "none" : null, account is not null));
    }

    private ConfigMapEntry? FindConfigMapEntry(string @namespace, string serviceAccount) =>
        _configMap.TryGetValue((@namespace, serviceAccount), out var entry) ? entry
        : _configMap.TryGetValue((WellKnown.AnyNamespace, serviceAccount), out entry) ? entry
        : null;

    private ServiceAccountIdentity ParseServiceAccount(JsonObject account)
    {
        var metadata = account["metadata"]!.AsObject();
        var annotations = metadata["annotations"]?.AsObject();
        string? Annotation(string suffix) => annotations?[Options.AnnotationPrefix + "/" + suffix]?.GetValue<string>();

        var regionalSts = Options.StsRegionalEndpoint;
        if (Annotation(WellKnown.StsRegionalEndpointsAnnotation) is { } regionalText && TryParseGoBool(regionalText, out var parsed))
        {
            regionalSts = parsed;
        }

        var expiration = Options.TokenExpiration;
        if (Annotation(WellKnown.TokenExpirationAnnotation) is { } expirationText
            && long.TryParse(expirationText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            expiration = Math.Max(seconds, WellKnown.MinTokenExpiration);
        }

        return new ServiceAccountIdentity(
            metadata["namespace"]!.GetValue<string>(),
            metadata["name"]!.GetValue<string>(),
            null,
            Annotation(WellKnown.RoleArnAnnotation),
            Annotation(WellKnown.AudienceAnnotation) ?? Options.TokenAudience,
            regionalSts,
            expiration);
    }

    private ConfigMapEntry ParseConfigMapEntry(JsonObject entry)
    {
        var audience = entry["Audience"]?.GetValue<string>();
        var expiration = entry["TokenExpiration"]?.GetValue<long>() ?? 0;
        return new ConfigMapEntry(
            entry["RoleARN"]!.GetValue<string>(),
            string.IsNullOrEmpty(audience) ? Options.TokenAudience : audience,
            entry["UseRegionalSTS"]?.GetValue<bool>() ?? Options.StsRegionalEndpoint,
            expiration == 0 ? Options.TokenExpiration : expiration);
    }

    private static bool TryParseGoBool(string text, out bool value)
    {
        (var ok, value) = text switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => (true, true),
            "0" or "f" or "F" or "false" or "FALSE" or "False" => (true, false),
            _ => (false, false),
        };
        return ok;
    }
}
