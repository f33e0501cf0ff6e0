using System.Globalization;

namespace PodIdentityWebhook.Identity;

/// <summary>
/// What the ServiceAccount cache keeps per ServiceAccount: the parsed identity without the
/// namespace and name (the cache key holds them) and with the resourceVersion as a number.
/// The role ARN is split after <c>:role/</c>: the prefix (one per AWS account) is always
/// shared, so a cluster where every ServiceAccount has its own role pays only for the role
/// names. Callers share strings through <see cref="StringPool"/>s; the default audience is
/// the flag's own instance. 72 bytes per ServiceAccount plus any unshared role name.
/// </summary>
internal sealed class CachedServiceAccount
{
    // A numeric resourceVersion (every real API server) is kept as a number; anything else as text.
    private readonly long _version;
    private readonly string? _versionText;

    // RoleArn is _arnPrefix + _arnRest; _arnPrefix is null when the ARN has no ":role/".
    private readonly string? _arnPrefix;
    private readonly string? _arnRest;

    /// <param name="arnPrefix">The ARN up to and including <c>:role/</c>, or null to keep <paramref name="arnRest"/> whole.</param>
    /// <param name="arnRest">The rest of the role ARN; null when not annotated.</param>
    public CachedServiceAccount(string? resourceVersion, string? arnPrefix, string? arnRest, string audience, bool useRegionalSts, long tokenExpiration)
    {
        if (long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            && version.ToString(CultureInfo.InvariantCulture) == resourceVersion)
        {
            _version = version;
        }
        else
        {
            _version = -1;
            _versionText = resourceVersion;
        }

        _arnPrefix = arnPrefix;
        _arnRest = arnRest;
        Audience = audience;
        UseRegionalSts = useRegionalSts;
        TokenExpiration = tokenExpiration;
    }

    public string? RoleArn => _arnPrefix is null ? _arnRest : string.Concat(_arnPrefix, _arnRest);

    public string Audience { get; }

    public bool UseRegionalSts { get; }

    public long TokenExpiration { get; }

    public string? ResourceVersion => _version >= 0 ? _version.ToString(CultureInfo.InvariantCulture) : _versionText;

    /// <summary>
    /// The place to split <paramref name="roleArn"/>: the length of its
    /// <c>arn:…:iam::&lt;account&gt;:role/</c> prefix, or 0 when it has none.
    /// </summary>
    public static int PrefixLength(string roleArn)
    {
        var role = roleArn.IndexOf(RoleMarker, StringComparison.Ordinal);
        return role < 0 ? 0 : role + RoleMarker.Length;
    }

    private const string RoleMarker = ":role/";

    /// <summary>The record the rest of the webhook uses, built per lookup: two small allocations per admission.</summary>
    public ServiceAccountIdentity ToIdentity(string @namespace, string name) =>
        new(@namespace, name, ResourceVersion, RoleArn, Audience, UseRegionalSts, TokenExpiration);
}
