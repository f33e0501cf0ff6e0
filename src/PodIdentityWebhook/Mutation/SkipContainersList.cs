namespace PodIdentityWebhook.Mutation;

/// <summary>
/// Parses the <c>skip-containers</c> annotation the way the reference does (Go
/// <c>encoding/csv</c>, first record only): quoted fields, doubled quotes, and any malformed
/// value skips nothing. One deliberate difference, documented in docs/differences.md: whitespace
/// around names is trimmed, because a container name can never contain a space.
/// </summary>
internal static class SkipContainersList
{
    /// <summary>The container names, or null when the value does not parse.</summary>
    public static IReadOnlyList<string>? Parse(string value)
    {
        var names = new List<string>();
        var field = new System.Text.StringBuilder();
        var i = 0;

        // Go's reader skips leading empty lines before the first record.
        while (i < value.Length && (value[i] == '\n' || value[i] == '\r'))
        {
            i++;
        }

        while (true)
        {
            while (i < value.Length && (value[i] == ' ' || value[i] == '\t'))
            {
                i++;
            }

            field.Clear();
            if (i < value.Length && value[i] == '"')
            {
                i++;
                var closed = false;
                while (i < value.Length)
                {
                    if (value[i] == '"')
                    {
                        if (i + 1 < value.Length && value[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        closed = true;
                        i++;
                        break;
                    }

                    field.Append(value[i++]);
                }

                if (!closed)
                {
                    return null;
                }

                while (i < value.Length && (value[i] == ' ' || value[i] == '\t'))
                {
                    i++;
                }

                if (i < value.Length && value[i] != ',' && value[i] != '\n' && value[i] != '\r')
                {
                    return null;
                }
            }
            else
            {
                while (i < value.Length && value[i] != ',' && value[i] != '\n' && value[i] != '\r')
                {
                    if (value[i] == '"')
                    {
                        return null;
                    }

                    field.Append(value[i++]);
                }
            }

            names.Add(field.ToString().Trim());
            if (i < value.Length && value[i] == ',')
            {
                i++;
                continue;
            }

            return names;
        }
    }
}
