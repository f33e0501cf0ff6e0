using System.Text.Json;

namespace PodIdentityWebhook.Mutation;

/// <summary>The JSON values the patch adds: env entries and the projected token volume.</summary>
internal static class PatchValues
{
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ValueProperty = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText ProjectedProperty = JsonEncodedText.Encode("projected");
    private static readonly JsonEncodedText SourcesProperty = JsonEncodedText.Encode("sources");
    private static readonly JsonEncodedText ServiceAccountTokenProperty = JsonEncodedText.Encode("serviceAccountToken");
    private static readonly JsonEncodedText AudienceProperty = JsonEncodedText.Encode("audience");
    private static readonly JsonEncodedText ExpirationSecondsProperty = JsonEncodedText.Encode("expirationSeconds");
    private static readonly JsonEncodedText PathProperty = JsonEncodedText.Encode("path");

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
        writer.WriteStartObject(ProjectedProperty);
        writer.WriteStartArray(SourcesProperty);
        writer.WriteStartObject();
        writer.WriteStartObject(ServiceAccountTokenProperty);
        writer.WriteString(AudienceProperty, audience);
        writer.WriteNumber(ExpirationSecondsProperty, expiration);
        writer.WriteString(PathProperty, tokenPath);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
