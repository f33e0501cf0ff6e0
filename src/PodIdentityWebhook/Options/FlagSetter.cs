namespace PodIdentityWebhook.Options;

/// <summary>
/// Applies one flag value to the parse state.
/// Returns null when the value is accepted, otherwise why it is not (e.g. "must be an integer").
/// </summary>
internal delegate string? FlagSetter(FlagParseState state, string value);
