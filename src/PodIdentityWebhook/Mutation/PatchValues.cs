using System.Text.Json;

namespace PodIdentityWebhook.Mutation;

/// <summary>The JSON values the patch adds: env entries and the projected token volume.</summary>
internal static class PatchValues
{
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("value");

    public static void WriteEnvVar(Utf8JsonWriter writer, string name, string value)
    {
        writer.WriteStartObject();
        writer.WriteString(NameProperty, name);
        writer.WriteString(ValueProperty, value);
        writer.WriteEndObject();
    }

    public static void WriteVolume(Utf8JsonWriter writer, string volumeName, string tokenPath, string audience, long expiration)
    {
        writer.WriteStartObject();
        writer.WriteString(NameProperty, volumeName);
        writer.WriteStartObject("projected");
        writer.WriteStartArray("sources");
        writer.WriteStartObject();
        writer.WriteStartObject("serviceAccountToken");
        writer.WriteString("audience", audience);
        writer.WriteNumber("expirationSeconds", expiration);
        writer.WriteString("path", tokenPath);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
