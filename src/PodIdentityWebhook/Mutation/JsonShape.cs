using System.Text;

namespace PodIdentityWebhook.Mutation;

/// <summary>
/// Which parts of a JSON value a <see cref="PartialJsonDocument"/> keeps: the named members of an
/// object, the items of an array, or everything under it. A member the shape does not name is
/// read past (the reader still checks every byte of it) and is then absent, as if the JSON had
/// not held it.
/// </summary>
internal sealed class JsonShape
{
    private JsonShape(Member[] members, JsonShape? items, bool keepsAll)
    {
        Members = members;
        Items = items;
        KeepsAll = keepsAll;
    }

    /// <summary>The value's kind and, for a string or number, its text; an object's or array's contents are not kept.</summary>
    public static JsonShape Value { get; } = new([], null, false);

    /// <summary>The value and everything under it.</summary>
    public static JsonShape Whole { get; } = new([], null, true);

    public bool KeepsAll { get; }

    /// <summary>The shape of an array's items; null when they are not kept.</summary>
    public JsonShape? Items { get; }

    private Member[] Members { get; }

    /// <summary>An object of which only these members are kept, each in its own shape.</summary>
    public static JsonShape Object(params (string Name, JsonShape Shape)[] members) =>
        new(Array.ConvertAll(members, m => new Member(Encoding.UTF8.GetBytes(m.Name), m.Shape)), null, false);

    /// <summary>An array whose every item is kept in <paramref name="items"/>.</summary>
    public static JsonShape ArrayOf(JsonShape items) => new([], items, false);

    /// <summary>Whether an object's members are kept at all.</summary>
    public bool KeepsMembers => KeepsAll || Members.Length > 0;

    /// <summary>The shape of the member a property name token names, or null when it is not kept.</summary>
    public JsonShape? MemberOf(ref System.Text.Json.Utf8JsonReader reader)
    {
        if (KeepsAll)
        {
            return this;
        }

        foreach (var member in Members)
        {
            // Decodes escapes as JsonElement's lookups do; a name whose escapes do not decode
            // matches nothing (the review is refused for its text before anything reads it).
            try
            {
                if (reader.ValueTextEquals(member.Name))
                {
                    return member.Shape;
                }
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        return null;
    }

    private sealed record Member(byte[] Name, JsonShape Shape);
}
