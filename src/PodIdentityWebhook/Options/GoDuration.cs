using System.Globalization;
using System.Text;

namespace PodIdentityWebhook.Options;

/// <summary>
/// Go's <c>time.ParseDuration</c> and <c>Duration.String</c>, so duration flags accept and
/// print exactly what the reference accepts and prints (<c>100ms</c>, <c>1m30s</c>, <c>1.5h</c>).
/// Ported from https://github.com/golang/go/blob/master/src/time/format.go.
/// </summary>
internal static class GoDuration
{
    private const ulong NanosecondsPerTick = 100;

    // Go keeps durations as int64 nanoseconds; 1<<63 is the magnitude bound of a negative one.
    private const ulong Limit = 1UL << 63;

    private static readonly Dictionary<string, ulong> UnitNanoseconds = new(StringComparer.Ordinal)
    {
        ["ns"] = 1,
        ["us"] = 1_000,
        ["\u00b5s"] = 1_000, // micro sign
        ["\u03bcs"] = 1_000, // Greek small letter mu
        ["ms"] = 1_000_000,
        ["s"] = 1_000_000_000,
        ["m"] = 60 * 1_000_000_000UL,
        ["h"] = 3600 * 1_000_000_000UL,
    };

    /// <summary>
    /// Parses Go duration syntax: optional sign, then one or more decimal numbers with an
    /// optional fraction and a unit. A bare number is valid only when it is <c>0</c>.
    /// Precision below 100 ns (one tick) is truncated.
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text is null)
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return false;
            }

            var before = s.Length;
            if (!TryLeadingInt(ref s, out var whole))
            {
                return false;
            }

            var hasWhole = before != s.Length;
            var hasFraction = false;
            ulong fraction = 0;
            double scale = 1;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                before = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                hasFraction = before != s.Length;
            }

            if (!hasWhole && !hasFraction)
            {
                return false;
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0 || !UnitNanoseconds.TryGetValue(s[..unitLength].ToString(), out var unit))
            {
                return false;
            }

            s = s[unitLength..];
            if (whole > Limit / unit)
            {
                return false;
            }

            whole *= unit;
            if (fraction > 0)
            {
                // Go uses float64 here too: it is nanosecond-exact for fractions of an hour.
                whole += (ulong)(fraction * (unit / scale));
                if (whole > Limit)
                {
                    return false;
                }
            }

            total += whole;
            if (total > Limit)
            {
                return false;
            }
        }

        if (!negative && total > Limit - 1)
        {
            return false;
        }

        var ticks = (long)(total / NanosecondsPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String</c>: <c>0s</c>, <c>100ms</c>, <c>1m0s</c>, <c>1h30m0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var negative = value < TimeSpan.Zero;
        var nanoseconds = (ulong)Math.Abs((decimal)value.Ticks) * NanosecondsPerTick;
        var text = new StringBuilder();
        if (negative)
        {
            text.Append('-');
        }

        const ulong second = 1_000_000_000;
        if (nanoseconds < second)
        {
            var (digits, suffix) = nanoseconds switch
            {
                < 1_000 => (0, "ns"),
                < 1_000_000 => (3, "\u00b5s"),
                _ => (6, "ms"),
            };
            AppendWithFraction(text, nanoseconds, digits);
            return text.Append(suffix).ToString();
        }

        var minutes = nanoseconds / second / 60;
        if (minutes >= 60)
        {
            text.Append(CultureInfo.InvariantCulture, $"{minutes / 60}h");
        }

        if (minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{minutes % 60}m");
        }

        AppendWithFraction(text, nanoseconds % (60 * second), 9);
        return text.Append('s').ToString();
    }

    private static void AppendWithFraction(StringBuilder text, ulong value, int fractionDigits)
    {
        var divisor = (ulong)Math.Pow(10, fractionDigits);
        text.Append(CultureInfo.InvariantCulture, $"{value / divisor}");
        if (fractionDigits == 0)
        {
            return;
        }

        var fraction = (value % divisor).ToString(CultureInfo.InvariantCulture).PadLeft(fractionDigits, '0').TrimEnd('0');
        if (fraction.Length > 0)
        {
            text.Append('.').Append(fraction);
        }
    }

    private static bool TryLeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > Limit / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)(s[i] - '0');
            if (value > Limit)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    private static void LeadingFraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var overflow = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            // Like Go: digits past int64 precision are consumed and ignored.
            if (overflow || value > (Limit - 1) / 10)
            {
                overflow = true;
                continue;
            }

            var next = (value * 10) + (ulong)(s[i] - '0');
            if (next > Limit)
            {
                overflow = true;
                continue;
            }

            value = next;
            scale *= 10;
        }

        s = s[i..];
    }
}
