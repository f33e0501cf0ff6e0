using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Mutation;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Tests.PropertyBased;

/// <summary>
/// Pods the mutation core must cope with: native sidecars, env lists that are absent, empty
/// or already half-configured, <c>valueFrom</c> entries, token mounts and volumes that are
/// already there, fields no Kubernetes version has yet, skip and expiration annotations,
/// Windows node selectors; and identities of both modes.
/// </summary>
internal static class PodGenerators
{
    private const string Prefix = OptionDefaults.AnnotationPrefix + "/";

    private static readonly string[] EnvNames =
    [
        PodNames.AwsRoleArnEnv,
        PodNames.AwsWebIdentityTokenFileEnv,
        PodNames.AwsRegionEnv,
        PodNames.AwsDefaultRegionEnv,
        PodNames.AwsStsRegionalEndpointsEnv,
        PodNames.AwsContainerCredentialsFullUriEnv,
        PodNames.AwsContainerAuthorizationTokenFileEnv,
        "LOG_LEVEL",
        "HOME",
        "aws_region",
    ];

    /// <summary>Volume and mount names: both modes' token volumes and some unrelated ones.</summary>
    private static readonly string[] VolumeNames =
    [
        PodNames.WebIdentityVolumeName,
        OptionDefaults.ContainerCredentialsVolumeName,
        "kube-api-access-x7k2p",
        "data",
        "config",
    ];

    public static Arbitrary<GeneratedCase> Cases { get; } =
        (from identity in Identity
         from region in Gen.Elements("", "us-east-1", "cn-north-1")
         from pod in Pod
         select new GeneratedCase(pod.Json, identity, region, pod.Skipped)).ToArbitrary();

    private static Gen<PodIdentity> Identity =>
        from containerCredentials in Bool
        from roleArn in Gen.Elements("arn:aws:iam::111122223333:role/app", "arn:aws-cn:iam::111122223333:role/team/path/app")
        from audience in Gen.Elements(OptionDefaults.TokenAudience, OptionDefaults.ContainerCredentialsAudience, "", "quote\" back\\slash", "ünïcødé")
        from regionalSts in Bool
        from expiration in Gen.Elements(OptionDefaults.TokenExpiration, 3600L, 600L, 100L, 1_000_000L)
        select new PodIdentity(
            containerCredentials ? IdentityMode.ContainerCredentials : IdentityMode.WebIdentity,
            containerCredentials ? null : roleArn,
            audience,
            regionalSts,
            expiration,
            "generated");

    private static Gen<(string Json, IReadOnlyList<string> Skipped)> Pod =>
        from initCount in Gen.Choose(0, 4)
        from count in Gen.Choose(0, 5)
        from ephemeralCount in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
        from inits in Gen.CollectToList(Enumerable.Range(0, initCount), i => Container($"init-{i}", isInit: true))
        from containers in Gen.CollectToList(Enumerable.Range(0, count), i => Container($"app-{i}", isInit: false))
        from ephemerals in Gen.CollectToList(Enumerable.Range(0, ephemeralCount), i => Container($"debug-{i}", isInit: false))
        from skip in SkipAnnotation([.. Enumerable.Range(0, initCount).Select(i => $"init-{i}"), .. Enumerable.Range(0, count).Select(i => $"app-{i}")])
        from expiration in Gen.Elements<string?>(null, null, "3600", "100", "86400", "soon", "")
        from metadata in Metadata(skip.Annotation, expiration)
        from volumes in OptionalArray(Volume, 3)
        from nodeSelector in NodeSelector
        from unknownSpec in Bool
        from unknownPod in Bool
        select Build(metadata, inits, containers, ephemerals, volumes, nodeSelector, unknownSpec, unknownPod, skip.Skipped);

    private static Gen<bool> Bool => Gen.Elements(true, false);

    private static (string Json, IReadOnlyList<string> Skipped) Build(
        JsonObject? metadata,
        List<JsonObject> inits,
        List<JsonObject> containers,
        List<JsonObject> ephemerals,
        JsonArray? volumes,
        JsonObject? nodeSelector,
        bool unknownSpec,
        bool unknownPod,
        IReadOnlyList<string> skipped)
    {
        var spec = new JsonObject();
        if (unknownSpec)
        {
            spec["x-future-scheduling"] = new JsonObject { ["gates"] = new JsonArray(1, "two", null) };
        }

        AddIfAny(spec, "initContainers", inits, alwaysWhenEmpty: unknownSpec);
        AddIfAny(spec, "containers", containers, alwaysWhenEmpty: true);
        AddIfAny(spec, "ephemeralContainers", ephemerals, alwaysWhenEmpty: false);
        if (volumes is not null)
        {
            spec["volumes"] = volumes;
        }

        if (nodeSelector is not null)
        {
            spec["nodeSelector"] = nodeSelector;
        }

        spec["serviceAccountName"] = "app";
        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod" };
        if (metadata is not null)
        {
            pod["metadata"] = metadata;
        }

        pod["spec"] = spec;
        if (unknownPod)
        {
            pod["status"] = new JsonObject { ["phase"] = "Pending" };
            pod["x-future-top-level"] = new JsonArray(new JsonObject { ["nested"] = true });
        }

        return (pod.ToJsonString(), skipped);
    }

    private static void AddIfAny(JsonObject spec, string field, List<JsonObject> items, bool alwaysWhenEmpty)
    {
        if (items.Count > 0 || alwaysWhenEmpty)
        {
            spec[field] = new JsonArray([.. items]);
        }
    }

    private static Gen<JsonObject> Container(string name, bool isInit) =>
        from env in OptionalArray(EnvVar, 6)
        from mounts in OptionalArray(Mount, 3)
        from sidecar in isInit ? Bool : Gen.Constant(false)
        from unknown in Bool
        select ContainerObject(name, env, mounts, sidecar, unknown);

    private static JsonObject ContainerObject(string name, JsonArray? env, JsonArray? mounts, bool sidecar, bool unknown)
    {
        var container = new JsonObject { ["name"] = name, ["image"] = "registry.example/" + name + ":1" };
        if (sidecar)
        {
            // A native sidecar: the field the reference once dropped.
            container["restartPolicy"] = "Always";
        }

        if (env is not null)
        {
            container["env"] = env;
        }

        if (mounts is not null)
        {
            container["volumeMounts"] = mounts;
        }

        if (unknown)
        {
            container["x-future-container"] = new JsonObject { ["list"] = new JsonArray("a", "b") };
            container["resources"] = new JsonObject { ["limits"] = new JsonObject { ["memory"] = "64Mi" } };
        }

        return container;
    }

    private static Gen<JsonNode> EnvVar =>
        from name in Gen.Elements(EnvNames)
        from shape in Gen.Choose(0, 3)
        from unknown in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select (JsonNode)EnvObject(name, shape, unknown);

    private static JsonObject EnvObject(string name, int shape, bool unknown)
    {
        var variable = new JsonObject { ["name"] = name };
        switch (shape)
        {
            case 0:
                variable["value"] = "set-by-owner";
                break;
            case 1:
                variable["valueFrom"] = new JsonObject
                {
                    ["secretKeyRef"] = new JsonObject { ["name"] = "creds", ["key"] = name.ToLowerInvariant() },
                };
                break;
            case 2:
                variable["value"] = "";
                break;
            default:
                // No value at all: the variable is present, its value empty.
                break;
        }

        if (unknown)
        {
            variable["x-future-env"] = 42;
        }

        return variable;
    }

    private static Gen<JsonNode> Mount =>
        from name in Gen.Elements(VolumeNames)
        from readOnly in Gen.Elements<bool?>(null, true, false)
        from unknown in Bool
        select (JsonNode)MountObject(name, readOnly, unknown);

    private static JsonObject MountObject(string name, bool? readOnly, bool unknown)
    {
        var mount = new JsonObject { ["name"] = name, ["mountPath"] = "/mnt/" + name };
        if (readOnly is { } value)
        {
            mount["readOnly"] = value;
        }

        if (unknown)
        {
            mount["recursiveReadOnly"] = "IfPossible";
        }

        return mount;
    }

    private static Gen<JsonNode> Volume =>
        from name in Gen.Elements(VolumeNames)
        from unknown in Bool
        select (JsonNode)VolumeObject(name, unknown);

    private static JsonObject VolumeObject(string name, bool unknown)
    {
        var volume = new JsonObject { ["name"] = name, ["emptyDir"] = new JsonObject() };
        if (unknown)
        {
            volume["x-future-volume"] = new JsonObject { ["medium"] = "Quantum" };
        }

        return volume;
    }

    /// <summary>Absent (null), empty, or one to <paramref name="max"/> items.</summary>
    private static Gen<JsonArray?> OptionalArray(Gen<JsonNode> item, int max) =>
        Gen.Frequency(
            (1, Gen.Constant<JsonArray?>(null)),
            (1, Gen.Fresh<JsonArray?>(() => [])),
            (3, Gen.Choose(1, max).SelectMany(n => Gen.ListOf(item, n)).Select(items => (JsonArray?)new JsonArray([.. items]))));

    /// <summary>
    /// The skip-containers annotation (null for none) and the names it really skips: a valid
    /// CSV of some container names (possibly quoted, spaced, or naming a container that does
    /// not exist), or a malformed value that skips nothing.
    /// </summary>
    private static Gen<(string? Annotation, IReadOnlyList<string> Skipped)> SkipAnnotation(string[] names) =>
        from chosen in Gen.SubListOf(names)
        from ghost in Bool
        from style in Gen.Choose(0, 4)
        select SkipValue([.. chosen, .. ghost ? new[] { "not-a-container" } : []], style);

    private static (string? Annotation, IReadOnlyList<string> Skipped) SkipValue(List<string> names, int style) => style switch
    {
        0 => (null, []),
        1 => (string.Join(",", names), names),
        2 => (string.Join(" , ", names), names),
        3 => (string.Join(",", names.Select(n => "\"" + n + "\"")), names),
        _ => ("\"" + string.Join(",", names), []),
    };

    private static Gen<JsonObject?> Metadata(string? skip, string? expiration) =>
        from shape in Gen.Choose(0, 5)
        from labels in Gen.Elements(0, 1, 2, 3)
        from extraAnnotation in Bool
        select MetadataObject(shape, labels, extraAnnotation, skip, expiration);

    private static JsonObject? MetadataObject(int shape, int labels, bool extraAnnotation, string? skip, string? expiration)
    {
        var annotations = new JsonObject();
        if (extraAnnotation)
        {
            annotations["kubectl.kubernetes.io/restartedAt"] = "2025-01-14T09:12:44Z";
        }

        if (skip is not null)
        {
            annotations[Prefix + PodNames.SkipContainersAnnotation] = skip;
        }

        if (expiration is not null)
        {
            annotations[Prefix + IdentityConstants.TokenExpirationAnnotation] = expiration;
        }

        if (shape == 0 && annotations.Count == 0)
        {
            return null;
        }

        var metadata = new JsonObject { ["generateName"] = "app-7d9f8b6c5d-" };
        if (annotations.Count > 0 || shape == 1)
        {
            metadata["annotations"] = annotations;
        }

        switch (labels)
        {
            case 1:
                metadata["labels"] = new JsonObject();
                break;
            case 2:
                metadata["labels"] = new JsonObject { ["app"] = "shop", ["tier"] = "web" };
                break;
            case 3:
                // The owner's own value wins; the webhook must not replace it.
                metadata["labels"] = new JsonObject { [PodNames.PodIdentityLabel] = "disabled" };
                break;
            default:
                break;
        }

        if (shape == 2)
        {
            metadata["x-future-metadata"] = new JsonArray();
        }

        return metadata;
    }

    private static Gen<JsonObject?> NodeSelector =>
        Gen.Choose(0, 4).Select(shape => shape switch
        {
            1 => new JsonObject { [PodNames.OsLabel] = PodNames.WindowsOs },
            2 => new JsonObject { [PodNames.BetaOsLabel] = PodNames.WindowsOs },
            3 => new JsonObject { [PodNames.OsLabel] = "linux", ["disktype"] = "ssd" },
            4 => new JsonObject(),
            _ => (JsonObject?)null,
        });
}
