using System.Globalization;

namespace PodIdentityWebhook.Options;

/// <summary>
/// The parts of Go's <c>strconv</c> that the reference's flag library applies to flag values,
/// so a value the reference accepts means the same thing here.
/// </summary>
internal static class GoStrconv
{
    /// <summary><c>strconv.ParseBool</c>: 1, t, T, TRUE, true, True and their false counterparts.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>
    /// <c>strconv.ParseInt(text, 0, 64)</c>, which pflag uses for int flags: decimal, or a
    /// 0x / 0o / 0b / leading-0 (octal) prefix, with underscores allowed between digits.
    /// </summary>
    public static bool TryParseInt(string text, out long value)
    {
        value = 0;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.IsEmpty)
        {
            return false;
        }

        var radix = 10;
        if (s[0] == '0')
        {
            var prefix = s.Length >= 3 ? char.ToLowerInvariant(s[1]) : '\0';
            radix = prefix switch
            {
                'b' => 2,
                'o' => 8,
                'x' => 16,
                _ => 8,
            };
            s = prefix is 'b' or 'o' or 'x' ? s[2..] : s[1..];
        }

        ulong magnitude = 0;
        var underscores = false;
        foreach (var c in s)
        {
            if (c == '_')
            {
                underscores = true;
                continue;
            }

            var digit = DigitValue(c);
            if (digit < 0 || digit >= radix)
            {
                return false;
            }

            magnitude = (magnitude * (ulong)radix) + (ulong)digit;
            if (magnitude > 1UL << 63)
            {
                return false;
            }
        }

        if (underscores && !UnderscoresOk(text))
        {
            return false;
        }

        if (!negative && magnitude > long.MaxValue)
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>Go's <c>underscoreOK</c>: an underscore sits between digits, or between a base prefix and a digit.</summary>
    private static bool UnderscoresOk(ReadOnlySpan<char> s)
    {
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            s = s[1..];
        }

        // 'd' after a digit or base prefix, '_' after an underscore, '^' at the start, '!' otherwise.
        var saw = '^';
        var hex = false;
        if (s.Length >= 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'b' or 'o' or 'x')
        {
            hex = char.ToLowerInvariant(s[1]) == 'x';
            saw = 'd';
            s = s[2..];
        }

        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c)))
            {
                saw = 'd';
            }
            else if (c == '_')
            {
                if (saw != 'd')
                {
                    return false;
                }

                saw = '_';
            }
            else if (saw == '_')
            {
                return false;
            }
            else
            {
                saw = '!';
            }
        }

        return saw != '_';
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// <c>strconv.ParseInt(text, 10, 64)</c>, which the reference uses for annotation values:
    /// optional sign and decimal digits, nothing else.
    /// </summary>
    public static bool TryParseDecimalInt(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
