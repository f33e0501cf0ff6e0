using System.Text.Json;

namespace PodIdentityWebhook.Telemetry;

/// <summary>
/// A log state that writes its message and fields straight into the JSON-lines log, without
/// rendering the message as a string or boxing its fields. It is also an ordinary logging
/// state (its fields as key/value pairs, its message from ToString) for every other provider,
/// and writes exactly what those would give.
/// </summary>
internal interface IJsonLogLine
{
    /// <summary>Writes the message as the value of <paramref name="property"/>.</summary>
    void WriteMessage(Utf8JsonWriter json, JsonEncodedText property);

    /// <summary>Writes the fields, each as a property of the object <paramref name="json"/> is in.</summary>
    void WriteFields(Utf8JsonWriter json);
}
