using System;
using System.Text;
using System.Text.Json;

namespace Amsha.Serialization;

/// <summary>
/// Date parsing for <see cref="Utf16JsonReader"/> with the rules of <see cref="Utf8JsonReader"/>: the
/// common shapes (the ones writers produce) are parsed here; anything else is handed to
/// <see cref="Utf8JsonReader"/> itself, so both readers accept and reject the same text.
/// </summary>
internal static class IsoDates
{
    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}][Z]</c>: no offset gives an unspecified kind, <c>Z</c> gives UTC.</summary>
    public static bool TryParseCommon(ReadOnlySpan<char> text, out DateTime value)
    {
        value = default;
        if (!TryParseLocalPart(text, out var ticks, out var rest))
        {
            return false;
        }

        if (rest.IsEmpty)
        {
            value = new DateTime(ticks, DateTimeKind.Unspecified);
            return true;
        }

        if (rest is "Z")
        {
            value = new DateTime(ticks, DateTimeKind.Utc);
            return true;
        }

        return false;
    }

    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±hh:mm)</c>; text without an offset is left to the fallback.</summary>
    public static bool TryParseCommon(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (!TryParseLocalPart(text, out var ticks, out var rest))
        {
            return false;
        }

        TimeSpan offset;
        if (rest is "Z")
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
            && TwoDigits(rest, 1, out var hours) && TwoDigits(rest, 4, out var minutes) && hours <= 14 && minutes <= 59)
        {
            offset = new TimeSpan(hours, minutes, 0);
            if (rest[0] == '-')
            {
                offset = -offset;
            }

            if (offset.Ticks is > TimeSpan.TicksPerHour * 14 or < -TimeSpan.TicksPerHour * 14)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        var utcTicks = ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, offset);
        return true;
    }

    /// <summary>A <see cref="Utf8JsonReader"/> positioned on <paramref name="text"/> as a JSON string, in <paramref name="buffer"/>.</summary>
    public static Utf8JsonReader Utf8Reader(ReadOnlySpan<char> text, Span<byte> buffer)
    {
        buffer[0] = (byte)'"';
        var length = Encoding.UTF8.GetBytes(text, buffer.Slice(1));
        buffer[length + 1] = (byte)'"';
        var reader = new Utf8JsonReader(buffer.Slice(0, length + 2));
        reader.Read();
        return reader;
    }

    // yyyy-MM-ddTHH:mm:ss[.f{1,7}], leaving what follows in `rest`.
    private static bool TryParseLocalPart(ReadOnlySpan<char> text, out long ticks, out ReadOnlySpan<char> rest)
    {
        ticks = 0;
        rest = default;
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TwoDigits(text, 0, out var century) || !TwoDigits(text, 2, out var yearOfCentury)
            || !TwoDigits(text, 5, out var month) || !TwoDigits(text, 8, out var day)
            || !TwoDigits(text, 11, out var hour) || !TwoDigits(text, 14, out var minute) || !TwoDigits(text, 17, out var second))
        {
            return false;
        }

        var year = (century * 100) + yearOfCentury;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var at = 19;
        long fraction = 0;
        if (at < text.Length && text[at] == '.')
        {
            at++;
            var digits = 0;
            while (at < text.Length && char.IsAsciiDigit(text[at]))
            {
                if (++digits > 7)
                {
                    return false;
                }

                fraction = (fraction * 10) + (text[at] - '0');
                at++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }

        ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fraction;
        rest = text.Slice(at);
        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<char> text, int at, out int value)
    {
        var tens = text[at] - '0';
        var ones = text[at + 1] - '0';
        value = (tens * 10) + ones;
        return (uint)tens <= 9 && (uint)ones <= 9;
    }
}
