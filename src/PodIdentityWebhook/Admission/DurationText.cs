using System.Globalization;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// A decision line's duration, in milliseconds rounded to the microsecond, as the text .NET
/// gives the double (<c>0.125</c>, <c>12.5</c>, <c>3</c>), written from its integer count of
/// microseconds: the general double formatting it replaces was 2% of a review's CPU, twice
/// per line (the message and the field).
/// </summary>
internal static class DurationText
{
    /// <summary>Room for any double's text.</summary>
    public const int MaxLength = 32;

    /// <summary>Below this many microseconds (11 days) the integer path is exact.</summary>
    private const double MaxMicroseconds = 1e12;

    /// <summary>Writes <paramref name="milliseconds"/> into <paramref name="utf8"/> (at least <see cref="MaxLength"/> bytes) and returns the length.</summary>
    public static int Format(double milliseconds, Span<byte> utf8)
    {
        var micros = Math.Round(milliseconds * 1000);
        if (double.IsNegative(milliseconds) || !(micros < MaxMicroseconds) || micros / 1000 != milliseconds)
        {
            // Not a whole number of microseconds (or out of range): the general form.
            milliseconds.TryFormat(utf8, out var general, default, CultureInfo.InvariantCulture);
            return general;
        }

        var whole = (long)micros / 1000;
        var fraction = (int)((long)micros % 1000);
        whole.TryFormat(utf8, out var written, default, CultureInfo.InvariantCulture);
        if (fraction == 0)
        {
            return written;
        }

        utf8[written++] = (byte)'.';
        var digits = 3;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }

        for (var i = digits - 1; i >= 0; i--)
        {
            utf8[written + i] = (byte)('0' + (fraction % 10));
            fraction /= 10;
        }

        return written + digits;
    }
}
