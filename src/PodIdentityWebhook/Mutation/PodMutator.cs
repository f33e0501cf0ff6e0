using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PodIdentityWebhook.Identity;
using PodIdentityWebhook.Options;

namespace PodIdentityWebhook.Mutation;

/// <summary>
/// The mutation core: (pod JSON, identity) → RFC 6902 <c>add</c> operations. Pure: no I/O,
/// no clock; randomness is injected. It reads the raw JSON and only ever appends, so fields
/// it does not model (native sidecar <c>restartPolicy</c>, future fields) survive untouched,
/// and a pod that already carries everything gets no patch (reinvocation is a no-op).
/// </summary>
internal sealed class PodMutator(MutationSettings settings, IRandomSource random)
{
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ReadOnlyProperty = JsonEncodedText.Encode("readOnly");
    private static readonly JsonEncodedText MountPathProperty = JsonEncodedText.Encode("mountPath");
    private static readonly byte[][] RegionEnvNamesUtf8 = Utf8(PodNames.AwsDefaultRegionEnv, PodNames.AwsRegionEnv);
    private static readonly byte[][] WebIdentityEnvNamesUtf8 = Utf8(PodNames.AwsRoleArnEnv, PodNames.AwsWebIdentityTokenFileEnv);
    private static readonly byte[][] ContainerCredentialsEnvNamesUtf8 =
        Utf8(PodNames.AwsContainerCredentialsFullUriEnv, PodNames.AwsContainerAuthorizationTokenFileEnv);
    private static readonly byte[] StsRegionalEndpointsUtf8 = System.Text.Encoding.UTF8.GetBytes(PodNames.AwsStsRegionalEndpointsEnv);

    private readonly Mode _webIdentity = new(false, PodNames.WebIdentityVolumeName, settings.TokenMountPath, PodNames.WebIdentityTokenPath);

    private readonly Mode _containerCredentials = new(
        true,
        settings.ContainerCredentialsTokenVolumeName,
        settings.ContainerCredentialsTokenMountPath,
        settings.ContainerCredentialsTokenPath);

    public MutationResult Mutate(PartialJsonElement pod, PodIdentity identity, IBufferWriter<byte> patchOutput)
    {
        if (pod.ValueKind != JsonValueKind.Object)
        {
            throw new PodShapeException("the pod must be a JSON object");
        }

        List<string>? warnings = null;
        var metadata = PodJson.Property(pod, "metadata", JsonValueKind.Object, "metadata");
        var annotations = PodJson.Property(metadata, "annotations", JsonValueKind.Object, "metadata.annotations");
        var spec = PodJson.Property(pod, "spec", JsonValueKind.Object, "spec");

        var mode = identity.Mode == IdentityMode.ContainerCredentials ? _containerCredentials : _webIdentity;
        var expiration = TokenExpiration(identity, annotations, ref warnings);
        var skip = SkipList(annotations, ref warnings);
        var isWindows = WindowsPods.IsWindows(spec);
        var tokenFile = isWindows ? mode.WindowsTokenFile : mode.LinuxTokenFile;

        var patch = new JsonPatchWriter(patchOutput);
        var labelAdded = mode.IsContainerCredentials && AddLabel(patch, metadata);
        var volumeAdded = AddVolume(patch, spec, mode, identity.Audience, expiration);

        var decisions = new List<ContainerDecision>();
        MutateContainers(patch, spec, "initContainers", isInit: true, mode, identity, tokenFile, skip, decisions);
        MutateContainers(patch, spec, "containers", isInit: false, mode, identity, tokenFile, skip, decisions);
        patch.Complete();

        return new MutationResult(
            patch.Count,
            volumeAdded,
            labelAdded,
            isWindows,
            expiration,
            decisions,
            (IReadOnlyList<string>?)warnings ?? []);
    }

    private long TokenExpiration(PodIdentity identity, PartialJsonElement annotations, ref List<string>? warnings)
    {
        var expiration = identity.TokenExpiration;
        if (PodJson.TryGetString(annotations, settings.TokenExpirationAnnotationKey, out var text))
        {
            if (GoStrconv.TryParseDecimalInt(text, out var value))
            {
                expiration = value;
            }
            else
            {
                (warnings ??= []).Add(
                    $"annotation {settings.TokenExpirationAnnotationKey}=\"{text}\" is not an integer; ignored");
            }
        }

        expiration = Math.Max(expiration, IdentityConstants.MinTokenExpiration);

        // EKS Pod Identity spreads token refreshes: the default lifetime becomes a random one.
        if (identity.Mode == IdentityMode.ContainerCredentials && expiration == OptionDefaults.TokenExpiration)
        {
            expiration = random.NextInclusive(PodNames.JitteredTokenExpirationMin, OptionDefaults.TokenExpiration);
        }

        return expiration;
    }

    private IReadOnlyList<string>? SkipList(PartialJsonElement annotations, ref List<string>? warnings)
    {
        if (!PodJson.TryGetString(annotations, settings.SkipContainersAnnotationKey, out var text))
        {
            return null;
        }

        var names = SkipContainersList.Parse(text);
        if (names is null)
        {
            (warnings ??= []).Add(
                $"annotation {settings.SkipContainersAnnotationKey}=\"{text}\" is not a valid comma-separated list; no container skipped");
        }

        return names;
    }

    /// <summary>Mirrors Go's filepath.Join(mountPath, tokenPath), then the Windows form when needed.</summary>
    internal static string TokenFilePath(string mountPath, string tokenPath, bool isWindows)
    {
        var path = GoPath.Join(mountPath, tokenPath);
        return isWindows ? "C:" + path.Replace('/', '\\') : path;
    }

    private static bool AddLabel(JsonPatchWriter patch, PartialJsonElement metadata)
    {
        var labels = PodJson.Property(metadata, "labels", JsonValueKind.Object, "metadata.labels");
        if (labels.ValueKind == JsonValueKind.Object)
        {
            // An existing value, even a different one, is the owner's choice: never replace it.
            if (labels.TryGetProperty(PodNames.PodIdentityLabel, out _))
            {
                return false;
            }

            var writer = patch.BeginAdd("/metadata/labels/" + JsonPointer.EscapeToken(PodNames.PodIdentityLabel));
            writer.WriteStringValue(PodNames.PodIdentityLabelValue);
            patch.EndAdd();
            return true;
        }

        if (metadata.ValueKind == JsonValueKind.Object)
        {
            var writer = patch.BeginAdd("/metadata/labels");
            writer.WriteStartObject();
            writer.WriteString(PodNames.PodIdentityLabel, PodNames.PodIdentityLabelValue);
            writer.WriteEndObject();
            patch.EndAdd();
        }
        else
        {
            var writer = patch.BeginAdd("/metadata");
            writer.WriteStartObject();
            writer.WriteStartObject("labels");
            writer.WriteString(PodNames.PodIdentityLabel, PodNames.PodIdentityLabelValue);
            writer.WriteEndObject();
            writer.WriteEndObject();
            patch.EndAdd();
        }

        return true;
    }

    private static bool AddVolume(JsonPatchWriter patch, PartialJsonElement spec, Mode mode, string audience, long expiration)
    {
        var volumes = PodJson.Property(spec, "volumes", JsonValueKind.Array, "spec.volumes");
        Utf8JsonWriter writer;
        if (volumes.ValueKind == JsonValueKind.Array)
        {
            if (PodJson.HasNamedItem(volumes, mode.VolumeName, "volumes", -1))
            {
                return false;
            }

            // First position, as the reference does.
            writer = patch.BeginAdd("/spec/volumes/0");
            PatchValues.WriteVolume(writer, mode.VolumeName, mode.TokenPath, audience, expiration);
        }
        else
        {
            writer = patch.BeginAdd("/spec/volumes");
            writer.WriteStartArray();
            PatchValues.WriteVolume(writer, mode.VolumeName, mode.TokenPath, audience, expiration);
            writer.WriteEndArray();
        }

        patch.EndAdd();
        return true;
    }

    private void MutateContainers(
        JsonPatchWriter patch,
        PartialJsonElement spec,
        string field,
        bool isInit,
        Mode mode,
        PodIdentity identity,
        string tokenFile,
        IReadOnlyList<string>? skip,
        List<ContainerDecision> decisions)
    {
        var containers = PodJson.Property(spec, field, JsonValueKind.Array, field == "containers" ? "spec.containers" : "spec.initContainers");
        if (containers.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var index = 0;
        foreach (var container in containers.EnumerateArray())
        {
            decisions.Add(MutateContainer(patch, container, field, index, isInit, mode, identity, tokenFile, skip));
            index++;
        }
    }

    private ContainerDecision MutateContainer(
        JsonPatchWriter patch,
        PartialJsonElement container,
        string field,
        int index,
        bool isInit,
        Mode mode,
        PodIdentity identity,
        string tokenFile,
        IReadOnlyList<string>? skip)
    {
        if (container.ValueKind != JsonValueKind.Object)
        {
            throw new PodShapeException($"spec.{field}[{index}] must be an object");
        }

        var name = PodJson.TryGetString(container, "name", out var n) ? n : "";
        if (skip is not null && skip.Contains(name))
        {
            return new ContainerDecision(name, isInit, ContainerOutcome.Skipped, [], false);
        }

        var env = PodJson.ContainerProperty(container, "env", field, index);
        var mounts = PodJson.ContainerProperty(container, "volumeMounts", field, index);

        var (hasCredentials, hasRegion, hasRegionalSts) = ScanEnv(env, mode.IsContainerCredentials);
        if (hasCredentials && hasRegion && hasRegionalSts)
        {
            return new ContainerDecision(name, isInit, ContainerOutcome.AlreadyConfigured, [], false);
        }

        var added = new List<(string Name, string Value)>(5);
        if (!hasRegionalSts && identity.UseRegionalSts)
        {
            added.Add((PodNames.AwsStsRegionalEndpointsEnv, PodNames.RegionalStsValue));
        }

        if (!hasRegion && settings.AwsDefaultRegion.Length > 0)
        {
            added.Add((PodNames.AwsDefaultRegionEnv, settings.AwsDefaultRegion));
            added.Add((PodNames.AwsRegionEnv, settings.AwsDefaultRegion));
        }

        if (!hasCredentials)
        {
            added.Add(mode.IsContainerCredentials
                ? (PodNames.AwsContainerCredentialsFullUriEnv, settings.ContainerCredentialsFullUri)
                : (PodNames.AwsRoleArnEnv, identity.RoleArn ?? ""));
            added.Add((mode.IsContainerCredentials ? PodNames.AwsContainerAuthorizationTokenFileEnv : PodNames.AwsWebIdentityTokenFileEnv, tokenFile));
        }

        var mountAdded = !PodJson.HasNamedItem(mounts, mode.VolumeName, field, index);
        Span<char> path = stackalloc char[64];
        if (added.Count > 0)
        {
            WriteEnv(patch, env, field, index, added, path);
        }

        if (mountAdded)
        {
            WriteMount(patch, mounts, field, index, mode, path);
        }

        var addedNames = added.Count == 0 ? [] : new string[added.Count];
        for (var i = 0; i < added.Count; i++)
        {
            addedNames[i] = added[i].Name;
        }

        var outcome = added.Count > 0 || mountAdded ? ContainerOutcome.Mutated : ContainerOutcome.NothingMissing;
        return new ContainerDecision(name, isInit, outcome, addedNames, mountAdded);
    }

    private static void WriteEnv(
        JsonPatchWriter patch, PartialJsonElement env, string field, int index, List<(string Name, string Value)> added, Span<char> path)
    {
        if (env.ValueKind == JsonValueKind.Array)
        {
            foreach (var (name, value) in added)
            {
                var writer = patch.BeginAdd(Format(path, field, index, "env/-"));
                PatchValues.WriteEnvVar(writer, name, value);
                patch.EndAdd();
            }

            return;
        }

        var listWriter = patch.BeginAdd(Format(path, field, index, "env"));
        listWriter.WriteStartArray();
        foreach (var (name, value) in added)
        {
            PatchValues.WriteEnvVar(listWriter, name, value);
        }

        listWriter.WriteEndArray();
        patch.EndAdd();
    }

    private static void WriteMount(JsonPatchWriter patch, PartialJsonElement mounts, string field, int index, Mode mode, Span<char> path)
    {
        var asList = mounts.ValueKind != JsonValueKind.Array;
        var writer = patch.BeginAdd(Format(path, field, index, asList ? "volumeMounts" : "volumeMounts/-"));
        if (asList)
        {
            writer.WriteStartArray();
        }

        writer.WriteStartObject();
        writer.WriteString(NameProperty, mode.VolumeName);
        writer.WriteBoolean(ReadOnlyProperty, true);
        writer.WriteString(MountPathProperty, mode.MountPath);
        writer.WriteEndObject();
        if (asList)
        {
            writer.WriteEndArray();
        }

        patch.EndAdd();
    }

    private static ReadOnlySpan<char> Format(Span<char> buffer, string field, int index, string suffix) =>
        buffer.TryWrite(CultureInfo.InvariantCulture, $"/spec/{field}/{index}/{suffix}", out var written)
            ? buffer[..written]
            : $"/spec/{field}/{index}/{suffix}";

    /// <summary>
    /// One pass over a container's env: does it already hold the mode's credential variables,
    /// a region variable, and AWS_STS_REGIONAL_ENDPOINTS? Names compare as UTF-8 bytes.
    /// </summary>
    private static (bool Credentials, bool Region, bool RegionalSts) ScanEnv(PartialJsonElement env, bool containerCredentials)
    {
        bool credentials = false, region = false, regionalSts = false;
        if (env.ValueKind != JsonValueKind.Array)
        {
            return (credentials, region, regionalSts);
        }

        var credentialNames = containerCredentials ? ContainerCredentialsEnvNamesUtf8 : WebIdentityEnvNamesUtf8;
        foreach (var variable in env.EnumerateArray())
        {
            if (variable.ValueKind != JsonValueKind.Object)
            {
                throw new PodShapeException("every env entry must be an object");
            }

            if (!variable.TryGetProperty(NameProperty.EncodedUtf8Bytes, out var name) || name.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            credentials |= name.ValueEquals(credentialNames[0]) || name.ValueEquals(credentialNames[1]);
            region |= name.ValueEquals(RegionEnvNamesUtf8[0]) || name.ValueEquals(RegionEnvNamesUtf8[1]);
            regionalSts |= name.ValueEquals(StsRegionalEndpointsUtf8);
        }

        return (credentials, region, regionalSts);
    }

    /// <summary>
    /// The per-mode names and paths. The token file's path depends only on the settings and the
    /// pod's OS, so both forms are joined once here, not per review (joining and cleaning it
    /// was 2.5% of a review's CPU).
    /// </summary>
    private sealed record Mode(bool IsContainerCredentials, string VolumeName, string MountPath, string TokenPath)
    {
        public string LinuxTokenFile { get; } = TokenFilePath(MountPath, TokenPath, isWindows: false);

        public string WindowsTokenFile { get; } = TokenFilePath(MountPath, TokenPath, isWindows: true);
    }

    private static byte[][] Utf8(params string[] names) => Array.ConvertAll(names, System.Text.Encoding.UTF8.GetBytes);
}
