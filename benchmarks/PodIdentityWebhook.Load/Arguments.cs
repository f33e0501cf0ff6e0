using System.Globalization;

namespace PodIdentityWebhook.Load;

/// <summary>--name value pairs of a command, with typed reads and defaults.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Arguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected --name value, got \"{args[i]}\"");
            }

            _values[args[i][2..]] = args[++i];
        }
    }

    public string Text(string name, string? fallback = null) =>
        _values.GetValueOrDefault(name) ?? fallback ?? throw new ArgumentException($"--{name} is required");

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public int Number(string name, int fallback) =>
        _values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
