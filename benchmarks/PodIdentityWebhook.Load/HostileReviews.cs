using System.Text;
using System.Text.Json.Nodes;

namespace PodIdentityWebhook.Load;

/// <summary>
/// Malformed and hostile AdmissionReviews, drawn from a seeded generator so a failing input
/// can be made again: truncated JSON, wrong types, deep nesting, huge strings, invalid UTF-8,
/// duplicate keys, missing fields, other kinds, huge container counts, random bytes, and
/// byte flips of a valid review. Valid reviews are mixed in so the mutating path runs too.
/// </summary>
internal sealed class HostileReviews(int seed, string? only = null)
{
    private const int ThreeMegabytes = 3 * 1024 * 1024;

    private static readonly string[] Kinds =
    [
        "truncated", "wrong-type", "deep-nesting", "huge-string", "invalid-utf8", "duplicate-keys",
        "missing-field", "other-kind", "many-containers", "random-bytes", "byte-flips", "valid",
    ];

    private readonly Random _random = new(seed);

    /// <summary>One input: its kind (for the report) and its bytes.</summary>
    public (string Kind, byte[] Body) Next()
    {
        var kind = only ?? Kinds[_random.Next(Kinds.Length)];
        // Inputs of megabytes are rarer, or the run would measure the network.
        if (only is null && kind is "huge-string" && _random.Next(20) != 0)
        {
            kind = "wrong-type";
        }

        if (only is null && kind is "many-containers" && _random.Next(5) != 0)
        {
            kind = "missing-field";
        }

        return (kind, Make(kind));
    }

    public byte[] Make(string kind) => kind switch
    {
        "truncated" => Truncated(),
        "wrong-type" => Utf8(WrongType()),
        "deep-nesting" => Utf8(DeepNesting()),
        "huge-string" => Utf8(HugeString()),
        "invalid-utf8" => InvalidUtf8(),
        "duplicate-keys" => Utf8(DuplicateKeys()),
        "missing-field" => Utf8(MissingField()),
        "other-kind" => Utf8(OtherKind()),
        "many-containers" => Utf8(ManyContainers(10_000)),
        "random-bytes" => RandomBytes(),
        "byte-flips" => ByteFlips(),
        _ => Utf8(Valid().ToJsonString()),
    };

    /// <summary>A valid v1 review of a pod of an annotated ServiceAccount in the example file.</summary>
    public JsonObject Valid() => new()
    {
        ["apiVersion"] = _random.Next(4) == 0 ? "admission.k8s.io/v1beta1" : "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = $"fuzz-{_random.Next()}",
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["namespace"] = "default",
            ["operation"] = "CREATE",
            ["object"] = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject { ["generateName"] = "app-", ["annotations"] = new JsonObject { ["eks.amazonaws.com/skip-containers"] = "side" } },
                ["spec"] = new JsonObject
                {
                    ["serviceAccountName"] = _random.Next(2) == 0 ? "s3-reader" : "unknown",
                    ["initContainers"] = new JsonArray(new JsonObject { ["name"] = "init", ["image"] = "busybox" }),
                    ["containers"] = new JsonArray(
                        new JsonObject { ["name"] = "app", ["image"] = "busybox", ["env"] = new JsonArray(new JsonObject { ["name"] = "A", ["value"] = "b" }) },
                        new JsonObject { ["name"] = "side", ["image"] = "busybox" }),
                },
            },
        },
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private byte[] Truncated()
    {
        var whole = Utf8(Valid().ToJsonString());
        return whole[.._random.Next(whole.Length)];
    }

    /// <summary>A valid review with one value, anywhere in it, replaced by a value of another type.</summary>
    private string WrongType()
    {
        var review = Valid();
        var containers = new List<(JsonNode Parent, object Key)>();
        Collect(review, containers);
        var (parent, key) = containers[_random.Next(containers.Count)];
        JsonNode? replacement = _random.Next(6) switch
        {
            0 => null,
            1 => JsonValue.Create(_random.Next()),
            2 => JsonValue.Create(true),
            3 => new JsonArray(1, "x", null),
            4 => new JsonObject { ["x"] = 1 },
            _ => JsonValue.Create("\u0000\uFFFF\uD800"),
        };
        if (key is string name)
        {
            parent[name] = replacement;
        }
        else
        {
            parent[(int)key] = replacement;
        }

        return review.ToJsonString();
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> into)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj.ToList())
            {
                into.Add((obj, key));
                if (value is not null)
                {
                    Collect(value, into);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                into.Add((array, i));
                if (array[i] is { } item)
                {
                    Collect(item, into);
                }
            }
        }
    }

    private string DeepNesting()
    {
        const int Depth = 10_000;
        var inner = _random.Next(2) == 0
            ? new string('[', Depth) + new string(']', Depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth);
        var review = Valid().ToJsonString();
        // Inside the pod's spec, or as the whole body.
        return _random.Next(2) == 0 ? review.Replace("\"initContainers\":", "\"deep\":" + inner + ",\"initContainers\":", StringComparison.Ordinal) : inner;
    }

    private string HugeString()
    {
        var review = Valid();
        var huge = new string((char)('a' + _random.Next(26)), ThreeMegabytes);
        var spec = review["request"]!["object"]!["spec"]!;
        switch (_random.Next(4))
        {
            case 0: spec["serviceAccountName"] = huge; break;
            case 1: spec["containers"]![0]!["env"]![0]!["value"] = huge; break;
            case 2: review["request"]!["object"]!["metadata"]!["annotations"]!["eks.amazonaws.com/skip-containers"] = huge; break;
            default: spec["containers"]![0]!["name"] = huge; break;
        }

        return review.ToJsonString();
    }

    private byte[] InvalidUtf8()
    {
        var whole = Utf8(Valid().ToJsonString());
        byte[][] bad = [[0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]];
        var inject = bad[_random.Next(bad.Length)];
        // Inside a string value (after an opening quote) or anywhere.
        var at = _random.Next(whole.Length);
        return [.. whole[..at], .. inject, .. whole[at..]];
    }

    private string DuplicateKeys()
    {
        var review = Valid().ToJsonString();
        return _random.Next(3) switch
        {
            0 => review.Replace("\"request\":{", "\"request\":{\"uid\":\"first\",", StringComparison.Ordinal),
            1 => review.Replace("\"serviceAccountName\":", "\"serviceAccountName\":\"other\",\"serviceAccountName\":", StringComparison.Ordinal),
            _ => review[..^1] + ",\"request\":{\"uid\":\"second\"}}",
        };
    }

    private string MissingField()
    {
        var review = Valid();
        var request = review["request"]!.AsObject();
        var pod = request["object"]!.AsObject();
        switch (_random.Next(7))
        {
            case 0: review.Remove("request"); break;
            case 1: request.Remove("uid"); break;
            case 2: request.Remove("object"); break;
            case 3: pod.Remove("spec"); break;
            case 4: pod["spec"]!.AsObject().Remove("containers"); break;
            case 5: pod.Remove("metadata"); break;
            default: request.Remove("namespace"); break;
        }

        return review.ToJsonString();
    }

    private string OtherKind()
    {
        var review = Valid();
        var request = review["request"]!.AsObject();
        switch (_random.Next(4))
        {
            case 0: request["kind"] = new JsonObject { ["group"] = "apps", ["version"] = "v1", ["kind"] = "Deployment" }; break;
            case 1: request["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "services" }; break;
            case 2: request["object"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["data"] = new JsonObject { ["a"] = "b" } }; break;
            default: request["operation"] = "DELETE"; break;
        }

        if (_random.Next(3) == 0)
        {
            review["kind"] = "TokenReview";
        }

        return review.ToJsonString();
    }

    public string ManyContainers(int count)
    {
        var review = Valid();
        var containers = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            containers.Add(new JsonObject { ["name"] = $"c{i}", ["image"] = "busybox" });
        }

        review["request"]!["object"]!["spec"]!["containers"] = containers;
        return review.ToJsonString();
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(1, 4096)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] ByteFlips()
    {
        var whole = Utf8(Valid().ToJsonString());
        for (var i = _random.Next(1, 8); i > 0; i--)
        {
            whole[_random.Next(whole.Length)] = (byte)_random.Next(256);
        }

        return whole;
    }
}
