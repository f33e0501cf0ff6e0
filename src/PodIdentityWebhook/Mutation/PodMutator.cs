using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PodIdentityWebhook.Admission;
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
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText ReadOnlyProperty = JsonEncodedText.Encode("readOnly");
    private static readonly JsonEncodedText MountPathProperty = JsonEncodedText.Encode("mountPath");
    private static readonly byte[][] RegionEnvNamesUtf8 = Utf8(WellKnown.AwsDefaultRegionEnv, WellKnown.AwsRegionEnv);
    private static readonly byte[][] WebIdentityEnvNamesUtf8 = Utf8(WellKnown.AwsRoleArnEnv, WellKnown.AwsWebIdentityTokenFileEnv);
    private static readonly byte[][] ContainerCredentialsEnvNamesUtf8 =
        Utf8(WellKnown.AwsContainerCredentialsFullUriEnv, WellKnown.AwsContainerAuthorizationTokenFileEnv);
    private static readonly byte[] StsRegionalEndpointsUtf8 = System.Text.Encoding.UTF8.GetBytes(WellKnown.AwsStsRegionalEndpointsEnv);

    private readonly Mode _webIdentity = new(false, WellKnown.WebIdentityVolumeName, settings.TokenMountPath, WellKnown.WebIdentityTokenPath);

    private readonly Mode _containerCredentials = new(
        true,
        settings.ContainerCredentialsTokenVolumeName,
        settings.ContainerCredentialsTokenMountPath,
        settings.ContainerCredentialsTokenPath);

    public MutationResult Mutate(JsonElement pod, PodIdentity identity, IBufferWriter<byte> patchOutput)
    {
        if (pod.ValueKind != JsonValueKind.Object)
        {
            throw new PodShapeException("the pod must be a JSON object");
        }

        List<string>? warnings = null;
        var metadata = Property(pod, "metadata", JsonValueKind.Object, "metadata");
        var annotations = Property(metadata, "annotations", JsonValueKind.Object, "metadata.annotations");
        var spec = Property(pod, "spec", JsonValueKind.Object, "spec");

        var mode = identity.Mode == IdentityMode.ContainerCredentials ? _containerCredentials : _webIdentity;
        var expiration = TokenExpiration(identity, annotations, ref warnings);
        var skip = SkipList(annotations, ref warnings);
        var isWindows = IsWindows(spec);
        var tokenFile = TokenFilePath(mode.MountPath, mode.TokenPath, isWindows);

        using var patch = new JsonPatchWriter(patchOutput);
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

    private long TokenExpiration(PodIdentity identity, JsonElement annotations, ref List<string>? warnings)
    {
        var expiration = identity.TokenExpiration;
        if (TryGetString(annotations, settings.TokenExpirationAnnotationKey, out var text))
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

        expiration = Math.Max(expiration, WellKnown.MinTokenExpiration);

        // EKS Pod Identity spreads token refreshes: the default lifetime becomes a random one.
        if (identity.Mode == IdentityMode.ContainerCredentials && expiration == WellKnown.DefaultTokenExpiration)
        {
            expiration = random.NextInclusive(WellKnown.JitteredTokenExpirationMin, WellKnown.DefaultTokenExpiration);
        }

        return expiration;
    }

    private IReadOnlyList<string>? SkipList(JsonElement annotations, ref List<string>? warnings)
    {
        if (!TryGetString(annotations, settings.SkipContainersAnnotationKey, out var text))
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

    private static bool IsWindows(JsonElement spec)
    {
        var nodeSelector = Property(spec, "nodeSelector", JsonValueKind.Object, "spec.nodeSelector");
        if (IsWindowsValue(nodeSelector, WellKnown.OsLabel) || IsWindowsValue(nodeSelector, WellKnown.BetaOsLabel))
        {
            return true;
        }

        return RequiredAffinityPinsWindows(spec);
    }

    private static bool IsWindowsValue(JsonElement selector, string key) =>
        selector.ValueKind == JsonValueKind.Object
        && selector.TryGetProperty(key, out var value)
        && value.ValueKind == JsonValueKind.String
        && value.ValueEquals(WellKnown.WindowsOs);

    /// <summary>
    /// True when every required node-selector term (terms are ORed) contains an expression
    /// that only admits Windows nodes, so the pod can only ever run on Windows.
    /// </summary>
    private static bool RequiredAffinityPinsWindows(JsonElement spec)
    {
        if (!TryGetPath(spec, out var terms, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
            || terms.ValueKind != JsonValueKind.Array
            || terms.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var term in terms.EnumerateArray())
        {
            if (!TermPinsWindows(term))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TermPinsWindows(JsonElement term)
    {
        if (term.ValueKind != JsonValueKind.Object
            || !term.TryGetProperty("matchExpressions", out var expressions)
            || expressions.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var expression in expressions.EnumerateArray())
        {
            if (expression.ValueKind == JsonValueKind.Object
                && TryGetString(expression, "key", out var key)
                && (key == WellKnown.OsLabel || key == WellKnown.BetaOsLabel)
                && TryGetString(expression, "operator", out var op)
                && op == "In"
                && expression.TryGetProperty("values", out var values)
                && values.ValueKind == JsonValueKind.Array
                && values.GetArrayLength() > 0
                && values.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String && v.ValueEquals(WellKnown.WindowsOs)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Mirrors Go's filepath.Join(mountPath, tokenPath), then the Windows form when needed.</summary>
    internal static string TokenFilePath(string mountPath, string tokenPath, bool isWindows)
    {
        var path = mountPath.Length == 0 ? tokenPath : mountPath.TrimEnd('/') + "/" + tokenPath.TrimStart('/');
        return isWindows ? "C:" + path.Replace('/', '\\') : path;
    }

    private static bool AddLabel(JsonPatchWriter patch, JsonElement metadata)
    {
        var labels = Property(metadata, "labels", JsonValueKind.Object, "metadata.labels");
        if (labels.ValueKind == JsonValueKind.Object)
        {
            // An existing value, even a different one, is the owner's choice: never replace it.
            if (labels.TryGetProperty(WellKnown.PodIdentityLabel, out _))
            {
                return false;
            }

            var writer = patch.BeginAdd("/metadata/labels/" + JsonPointer.EscapeToken(WellKnown.PodIdentityLabel));
            writer.WriteStringValue(WellKnown.PodIdentityLabelValue);
            patch.EndAdd();
            return true;
        }

        if (metadata.ValueKind == JsonValueKind.Object)
        {
            var writer = patch.BeginAdd("/metadata/labels");
            writer.WriteStartObject();
            writer.WriteString(WellKnown.PodIdentityLabel, WellKnown.PodIdentityLabelValue);
            writer.WriteEndObject();
            patch.EndAdd();
        }
        else
        {
            var writer = patch.BeginAdd("/metadata");
            writer.WriteStartObject();
            writer.WriteStartObject("labels");
            writer.WriteString(WellKnown.PodIdentityLabel, WellKnown.PodIdentityLabelValue);
            writer.WriteEndObject();
            writer.WriteEndObject();
            patch.EndAdd();
        }

        return true;
    }

    private static bool AddVolume(JsonPatchWriter patch, JsonElement spec, Mode mode, string audience, long expiration)
    {
        var volumes = Property(spec, "volumes", JsonValueKind.Array, "spec.volumes");
        Utf8JsonWriter writer;
        if (volumes.ValueKind == JsonValueKind.Array)
        {
            if (HasNamedItem(volumes, mode.VolumeName, "volumes", -1))
            {
                return false;
            }

            // First position, as the reference does.
            writer = patch.BeginAdd("/spec/volumes/0");
            WriteVolume(writer, mode, audience, expiration);
        }
        else
        {
            writer = patch.BeginAdd("/spec/volumes");
            writer.WriteStartArray();
            WriteVolume(writer, mode, audience, expiration);
            writer.WriteEndArray();
        }

        patch.EndAdd();
        return true;
    }

    private static void WriteVolume(Utf8JsonWriter writer, Mode mode, string audience, long expiration)
    {
        writer.WriteStartObject();
        writer.WriteString(NameProperty, mode.VolumeName);
        writer.WriteStartObject("projected");
        writer.WriteStartArray("sources");
        writer.WriteStartObject();
        writer.WriteStartObject("serviceAccountToken");
        writer.WriteString("audience", audience);
        writer.WriteNumber("expirationSeconds", expiration);
        writer.WriteString("path", mode.TokenPath);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void MutateContainers(
        JsonPatchWriter patch,
        JsonElement spec,
        string field,
        bool isInit,
        Mode mode,
        PodIdentity identity,
        string tokenFile,
        IReadOnlyList<string>? skip,
        List<ContainerDecision> decisions)
    {
        var containers = Property(spec, field, JsonValueKind.Array, field == "containers" ? "spec.containers" : "spec.initContainers");
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
        JsonElement container,
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

        var name = TryGetString(container, "name", out var n) ? n : "";
        if (skip is not null && skip.Contains(name))
        {
            return new ContainerDecision(name, isInit, ContainerOutcome.Skipped, [], false);
        }

        var env = ContainerProperty(container, "env", field, index);
        var mounts = ContainerProperty(container, "volumeMounts", field, index);

        var (hasCredentials, hasRegion, hasRegionalSts) = ScanEnv(env, mode.IsContainerCredentials);
        if (hasCredentials && hasRegion && hasRegionalSts)
        {
            return new ContainerDecision(name, isInit, ContainerOutcome.AlreadyConfigured, [], false);
        }

        var added = new List<(string Name, string Value)>(5);
        if (!hasRegionalSts && identity.UseRegionalSts)
        {
            added.Add((WellKnown.AwsStsRegionalEndpointsEnv, WellKnown.RegionalStsValue));
        }

        if (!hasRegion && settings.AwsDefaultRegion.Length > 0)
        {
            added.Add((WellKnown.AwsDefaultRegionEnv, settings.AwsDefaultRegion));
            added.Add((WellKnown.AwsRegionEnv, settings.AwsDefaultRegion));
        }

        if (!hasCredentials)
        {
            added.Add(mode.IsContainerCredentials
                ? (WellKnown.AwsContainerCredentialsFullUriEnv, settings.ContainerCredentialsFullUri)
                : (WellKnown.AwsRoleArnEnv, identity.RoleArn ?? ""));
            added.Add((mode.IsContainerCredentials ? WellKnown.AwsContainerAuthorizationTokenFileEnv : WellKnown.AwsWebIdentityTokenFileEnv, tokenFile));
        }

        var mountAdded = !HasNamedItem(mounts, mode.VolumeName, field, index);
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
        JsonPatchWriter patch, JsonElement env, string field, int index, List<(string Name, string Value)> added, Span<char> path)
    {
        if (env.ValueKind == JsonValueKind.Array)
        {
            foreach (var (name, value) in added)
            {
                var writer = patch.BeginAdd(Format(path, field, index, "env/-"));
                WriteEnvVar(writer, name, value);
                patch.EndAdd();
            }

            return;
        }

        var listWriter = patch.BeginAdd(Format(path, field, index, "env"));
        listWriter.WriteStartArray();
        foreach (var (name, value) in added)
        {
            WriteEnvVar(listWriter, name, value);
        }

        listWriter.WriteEndArray();
        patch.EndAdd();
    }

    private static void WriteEnvVar(Utf8JsonWriter writer, string name, string value)
    {
        writer.WriteStartObject();
        writer.WriteString(NameProperty, name);
        writer.WriteString(ValueProperty, value);
        writer.WriteEndObject();
    }

    private static void WriteMount(JsonPatchWriter patch, JsonElement mounts, string field, int index, Mode mode, Span<char> path)
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
    private static (bool Credentials, bool Region, bool RegionalSts) ScanEnv(JsonElement env, bool containerCredentials)
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

    /// <summary>Whether a list holds an item with this name; <paramref name="index"/> -1 means spec.<paramref name="field"/>.</summary>
    private static bool HasNamedItem(JsonElement items, string name, string field, int index)
    {
        if (items.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new PodShapeException(index < 0
                    ? $"every item of spec.{field} must be an object"
                    : $"every item of spec.{field}[{index}].volumeMounts must be an object");
            }

            if (item.TryGetProperty(NameProperty.EncodedUtf8Bytes, out var itemName)
                && itemName.ValueKind == JsonValueKind.String
                && itemName.ValueEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The named child of an object: Undefined when absent or null (or the parent is not an
    /// object); otherwise it must be of the <paramref name="expected"/> kind, because the
    /// patch would otherwise replace what the owner wrote.
    /// </summary>
    private static JsonElement Property(JsonElement parent, string name, JsonValueKind expected, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty(name, out var value)
            || value.ValueKind == JsonValueKind.Null)
        {
            return default;
        }

        return value.ValueKind == expected
            ? value
            : throw new PodShapeException($"{where} must be {(expected == JsonValueKind.Array ? "an array" : "an object")}, not {ReviewEnvelope.Describe(value.ValueKind)}");
    }

    /// <summary>A container's list field; the path in the message is only built on failure.</summary>
    private static JsonElement ContainerProperty(JsonElement container, string name, string field, int index)
    {
        if (!container.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Array)
        {
            return value.ValueKind == JsonValueKind.Array ? value : default;
        }

        throw new PodShapeException($"spec.{field}[{index}].{name} must be an array, not {ReviewEnvelope.Describe(value.ValueKind)}");
    }

    private static bool TryGetPath(JsonElement element, out JsonElement value, params ReadOnlySpan<string> path)
    {
        value = element;
        foreach (var segment in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                value = default;
                return false;
            }
        }

        return true;
    }

    private static bool TryGetString(JsonElement parent, string name, out string value)
    {
        if (parent.ValueKind == JsonValueKind.Object
            && parent.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString() ?? "";
            return true;
        }

        value = "";
        return false;
    }

    /// <summary>The per-mode names and paths.</summary>
    private sealed record Mode(bool IsContainerCredentials, string VolumeName, string MountPath, string TokenPath);

    private static byte[][] Utf8(params string[] names) => Array.ConvertAll(names, System.Text.Encoding.UTF8.GetBytes);
}
