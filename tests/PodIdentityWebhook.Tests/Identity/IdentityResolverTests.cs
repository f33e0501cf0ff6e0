using System.Text;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.Identity;

public class IdentityResolverTests
{
    private const string SaArn = "arn:aws:iam::111122223333:role/from-sa";

    private static readonly WebhookOptions Options = new()
    {
        TokenAudience = "flag-aud",
        StsRegionalEndpoint = true,
        TokenExpiration = 5000,
        ContainerCredentialsAudience = "pods-aud",
    };

    private sealed class Accounts(params ServiceAccountIdentity[] accounts) : IServiceAccountSource
    {
        public bool HasSynced => true;

        public int Count => accounts.Length;

        public ServiceAccountIdentity? Find(string @namespace, string name) =>
            accounts.FirstOrDefault(a => a.Namespace == @namespace && a.Name == name);

        public IReadOnlyCollection<ServiceAccountIdentity> All() => accounts;
    }

    private static ServiceAccountIdentity Account(string? roleArn, bool regional = false, long expiration = 3600) =>
        new("ns", "sa", "1", roleArn, "sa-aud", regional, expiration);

    private static ConfigMapEntries ConfigMap(string json)
    {
        Assert.True(ConfigMapEntries.TryParse(json, Options, out var entries, out _));
        return entries;
    }

    private static ContainerCredentialsIdentities PodIdentityAssociation() =>
        ContainerCredentialsIdentities.Parse(Encoding.UTF8.GetBytes("""{"identities":[{"namespace":"ns","serviceAccount":"sa"}]}"""));

    private static IdentityResolution Resolve(
        IServiceAccountSource accounts,
        IConfigMapSource? configMap = null,
        IContainerCredentialsSource? containerCredentials = null)
    {
        var resolver = new IdentityResolver(Options, accounts, configMap ?? ConfigMapEntries.Empty,
            containerCredentials ?? ContainerCredentialsIdentities.Empty);
        var task = resolver.ResolveAsync("ns", "sa", CancellationToken.None);
        Assert.True(task.IsCompletedSuccessfully);
        return task.AsTask().Result;
    }

    [Fact]
    public void Container_credentials_win_and_take_sts_and_expiration_from_the_ServiceAccount()
    {
        var result = Resolve(new Accounts(Account(SaArn, regional: true, expiration: 1200)),
            ConfigMap("""{"ns/sa": {"RoleARN": "cm", "UseRegionalSTS": false, "TokenExpiration": 900}}"""),
            PodIdentityAssociation());

        Assert.Equal(new PodIdentity(IdentityMode.ContainerCredentials, null, "pods-aud", true, 1200, "container-credentials file"), result.Identity);
        Assert.True(result.ServiceAccountFound);
        Assert.Null(result.Reason);
    }

    [Fact]
    public void Container_credentials_for_an_unknown_ServiceAccount_take_the_exact_ConfigMap_entry()
    {
        var result = Resolve(new Accounts(),
            ConfigMap("""{"ns/sa": {"RoleARN": "", "UseRegionalSTS": true, "TokenExpiration": 900}}"""),
            PodIdentityAssociation());

        Assert.Equal(new PodIdentity(IdentityMode.ContainerCredentials, null, "pods-aud", true, 900, "container-credentials file"), result.Identity);
        Assert.False(result.ServiceAccountFound);
    }

    [Fact]
    public void Container_credentials_for_an_unknown_ServiceAccount_ignore_a_wildcard_entry_like_the_reference()
    {
        var result = Resolve(new Accounts(),
            ConfigMap("""{"*/sa": {"RoleARN": "", "UseRegionalSTS": true, "TokenExpiration": 900}}"""),
            PodIdentityAssociation());

        Assert.Equal(new PodIdentity(IdentityMode.ContainerCredentials, null, "pods-aud", false, 86400, "container-credentials file"), result.Identity);
    }

    [Fact]
    public void Container_credentials_with_nothing_else_known_use_the_fixed_defaults()
    {
        var result = Resolve(new Accounts(), containerCredentials: PodIdentityAssociation());

        Assert.Equal(new PodIdentity(IdentityMode.ContainerCredentials, null, "pods-aud", false, 86400, "container-credentials file"), result.Identity);
    }

    [Fact]
    public void Annotated_ServiceAccount_wins_over_the_ConfigMap()
    {
        var result = Resolve(new Accounts(Account(SaArn, regional: true, expiration: 1200)),
            ConfigMap("""{"ns/sa": {"RoleARN": "cm"}}"""));

        Assert.Equal(new PodIdentity(IdentityMode.WebIdentity, SaArn, "sa-aud", true, 1200, "ServiceAccount annotation eks.amazonaws.com/role-arn"), result.Identity);
        Assert.True(result.ServiceAccountFound);
    }

    [Fact]
    public void ServiceAccount_without_role_falls_back_to_the_exact_ConfigMap_entry()
    {
        var result = Resolve(new Accounts(Account(null)),
            ConfigMap("""{"ns/sa": {"RoleARN": "exact", "TokenExpiration": 700}, "*/sa": {"RoleARN": "wild"}}"""));

        Assert.Equal(new PodIdentity(IdentityMode.WebIdentity, "exact", "flag-aud", true, 700, "ConfigMap entry ns/sa"), result.Identity);
        Assert.True(result.ServiceAccountFound);
    }

    /// <summary>A ConfigMap replaced after every lookup: each call answers from a new table.</summary>
    private sealed class ReloadingConfigMap(string json) : IConfigMapSource
    {
        public bool HasSynced => true;

        public ConfigMapEntry? Find(string @namespace, string name, bool orAnyNamespace = true) =>
            ConfigMap(json).Find(@namespace, name, orAnyNamespace);

        public IReadOnlyCollection<KeyValuePair<(string Namespace, string Name), ConfigMapEntry>> All() => ConfigMap(json).All();
    }

    [Fact]
    public void The_source_names_the_key_found_even_when_the_ConfigMap_is_replaced_meanwhile()
    {
        var result = Resolve(new Accounts(), new ReloadingConfigMap("""{"*/sa": {"RoleARN": "wild"}}"""));

        Assert.Equal("ConfigMap entry */sa", result.Identity?.Source);
    }

    [Fact]
    public void Unknown_ServiceAccount_uses_the_wildcard_ConfigMap_entry()
    {
        var result = Resolve(new Accounts(), ConfigMap("""{"*/sa": {"RoleARN": "wild"}}"""));

        Assert.Equal(new PodIdentity(IdentityMode.WebIdentity, "wild", "flag-aud", true, 5000, "ConfigMap entry */sa"), result.Identity);
        Assert.False(result.ServiceAccountFound);
    }

    [Fact]
    public void ConfigMap_entry_without_role_gives_nothing()
    {
        var result = Resolve(new Accounts(Account(null)), ConfigMap("""{"ns/sa": {"Audience": "a"}}"""));

        Assert.Null(result.Identity);
        Assert.Equal("ServiceAccount ns/sa has no eks.amazonaws.com/role-arn annotation and no ConfigMap entry", result.Reason);
    }

    [Fact]
    public void Known_ServiceAccount_without_role_or_entry_says_so()
    {
        var result = Resolve(new Accounts(Account(null)));

        Assert.Equal(new IdentityResolution(null, "ServiceAccount ns/sa has no eks.amazonaws.com/role-arn annotation and no ConfigMap entry", true), result);
    }

    [Fact]
    public void Unknown_ServiceAccount_without_entry_says_not_found()
    {
        var result = Resolve(new Accounts());

        Assert.Equal(new IdentityResolution(null, "ServiceAccount ns/sa not found", false), result);
    }

    [Fact]
    public void Reason_names_the_configured_annotation_prefix()
    {
        var resolver = new IdentityResolver(Options with { AnnotationPrefix = "example.com" }, new Accounts(Account(null)),
            ConfigMapEntries.Empty, ContainerCredentialsIdentities.Empty);

        var result = resolver.Resolve("ns", "sa", Account(null));

        Assert.Equal("ServiceAccount ns/sa has no example.com/role-arn annotation and no ConfigMap entry", result.Reason);
    }
}
