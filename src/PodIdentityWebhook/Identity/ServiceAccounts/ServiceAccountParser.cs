using System.Text.RegularExpressions;
using PodIdentityWebhook.Options;
using PodIdentityWebhook.Telemetry;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// Turns a ServiceAccount's annotations into the small <see cref="ServiceAccountIdentity"/>
/// the cache keeps, with the reference's defaults and tolerances. Shared by every
/// ServiceAccount source (file, API watch) so they cannot disagree.
/// </summary>
internal sealed partial class ServiceAccountParser
{
    private readonly WebhookOptions _options;
    private readonly ILogger<ServiceAccountParser> _logger;
    private readonly string _roleArnKey;
    private readonly string _audienceKey;
    private readonly string _regionalStsKey;
    private readonly string _tokenExpirationKey;
    private readonly string? _composedArnPrefix;
    private readonly WebhookMetrics? _metrics;

    /// <param name="account">When set (--compose-role-arn), role names are expanded to full ARNs.</param>
    /// <param name="metrics">Told when an annotated ServiceAccount is seen (<c>pod_identity_webhook_used</c>).</param>
    public ServiceAccountParser(
        WebhookOptions options, ILogger<ServiceAccountParser> logger, AwsAccountInfo? account = null, WebhookMetrics? metrics = null)
    {
        _options = options;
        _logger = logger;
        _metrics = metrics;
        var prefix = options.AnnotationPrefix + "/";
        _roleArnKey = prefix + IdentityConstants.RoleArnAnnotation;
        _audienceKey = prefix + IdentityConstants.AudienceAnnotation;
        _regionalStsKey = prefix + IdentityConstants.StsRegionalEndpointsAnnotation;
        _tokenExpirationKey = prefix + IdentityConstants.TokenExpirationAnnotation;
        _composedArnPrefix = account is null ? null : $"arn:{account.Partition}:iam::{account.AccountId}:role/";
    }

    public ServiceAccountIdentity Parse(
        string @namespace,
        string name,
        string? resourceVersion,
        IReadOnlyDictionary<string, string>? annotations)
    {
        string? roleArn = null;

        // As the reference: "used" turns 1 once any ServiceAccount is cached, annotated or not.
        _metrics?.IdentitySeen();
        // The flag strings are reused, not copied: 100k ServiceAccounts share one audience.
        var audience = _options.TokenAudience;
        var regionalSts = _options.StsRegionalEndpoint;
        var tokenExpiration = Math.Max(_options.TokenExpiration, IdentityConstants.MinTokenExpiration);

        if (annotations is not null && annotations.Count > 0)
        {
            // With --compose-role-arn the reference composes even an empty annotation (the
            // result, ending in ":role/", is kept with the malformed-ARN warning).
            if (annotations.TryGetValue(_roleArnKey, out var arn) && (arn.Length > 0 || _composedArnPrefix is not null))
            {
                roleArn = ComposeRoleArn(@namespace, name, arn);
            }

            if (annotations.TryGetValue(_audienceKey, out var audienceValue))
            {
                // The reference takes a present annotation as is, even empty.
                audience = string.Equals(audienceValue, _options.TokenAudience, StringComparison.Ordinal)
                    ? _options.TokenAudience
                    : audienceValue;
            }

            if (annotations.TryGetValue(_regionalStsKey, out var regionalValue))
            {
                if (GoStrconv.TryParseBool(regionalValue, out var parsed))
                {
                    regionalSts = parsed;
                }
                else
                {
                    LogInvalidRegionalSts(_logger, @namespace, name, _regionalStsKey, regionalValue, regionalSts);
                }
            }

            if (annotations.TryGetValue(_tokenExpirationKey, out var expirationValue))
            {
                if (GoStrconv.TryParseDecimalInt(expirationValue, out var parsed))
                {
                    tokenExpiration = Math.Max(parsed, IdentityConstants.MinTokenExpiration);
                }
                else
                {
                    LogInvalidTokenExpiration(_logger, @namespace, name, _tokenExpirationKey, expirationValue, tokenExpiration);
                }
            }
        }

        return new ServiceAccountIdentity(@namespace, name, resourceVersion, roleArn, audience, regionalSts, tokenExpiration);
    }

    private string ComposeRoleArn(string @namespace, string name, string value)
    {
        var arn = _composedArnPrefix is not null && !value.Contains("arn:", StringComparison.Ordinal)
            ? _composedArnPrefix + value
            : value;
        if (!RoleArnPattern().IsMatch(arn))
        {
            LogInvalidRoleArn(_logger, @namespace, name, arn);
        }

        return arn;
    }

    // The reference's pattern, with Go's ASCII-only \w and \d spelled out and \z for Go's $.
    [GeneratedRegex(@"^arn:aws[a-z0-9-]*:iam::[0-9]{12}:role/[A-Za-z0-9_\-/.@+=,]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArnPattern();

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "ServiceAccount {Namespace}/{Name}: role ARN {RoleArn} does not look like arn:aws…:iam::<account>:role/<name>; using it anyway")]
    private static partial void LogInvalidRoleArn(ILogger logger, string @namespace, string name, string roleArn);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "ServiceAccount {Namespace}/{Name}: annotation {Annotation} value {Value} is not a boolean; using {Default}")]
    private static partial void LogInvalidRegionalSts(ILogger logger, string @namespace, string name, string annotation, string value, bool @default);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "ServiceAccount {Namespace}/{Name}: annotation {Annotation} value {Value} is not an integer; using {Default} seconds")]
    private static partial void LogInvalidTokenExpiration(ILogger logger, string @namespace, string name, string annotation, string value, long @default);
}
