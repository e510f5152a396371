using System;
using System.Globalization;

namespace Amsha.Serialization;

/// <summary>
/// Exact fast paths for the numbers JSON usually holds; anything they do not cover exactly is left
/// to the framework parsers, so results never differ from <see cref="double.Parse(string)"/>.
/// </summary>
internal static class FastNumbers
{
    // Powers of ten that a double holds exactly.
    private static readonly double[] s_exactPowersOfTen =
    {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };

    /// <summary>
    /// Formats <paramref name="value"/> exactly as <see cref="double.ToString()"/> (shortest round trip)
    /// when it is a plain decimal of at most 15 digits between 1e-4 and 1e15, the common case of
    /// scores, prices and measures; returns <see langword="false"/> for everything else.
    /// </summary>
    /// <remarks>
    /// The fewest fraction digits k whose decimal m / 10^k parses back to the value gives the shortest
    /// form. With value * 10^k below 2^50, any such m is within 3/16 of the computed product (half an
    /// ulp of the value, scaled, plus the product's own rounding), so m can only be that product
    /// rounded; and with m and 10^k exact doubles, m / 10^k is the correctly rounded parse of the decimal.
    /// </remarks>
    public static bool TryFormatShortDecimal(double value, Span<char> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-4 && magnitude < 1e15))
        {
            return false;
        }

        for (var k = 0; k <= 15; k++)
        {
            var power = s_exactPowersOfTen[k];
            var scaled = magnitude * power;
            if (scaled >= 1L << 50)
            {
                return false;
            }

            var digits = Math.Round(scaled);
            if (digits / power == magnitude)
            {
                written = Write(destination, value < 0, (long)digits, k);
                return true;
            }
        }

        return false;
    }

    private static int Write(Span<char> destination, bool negative, long digits, int fractionDigits)
    {
        var at = 0;
        if (negative)
        {
            destination[at++] = '-';
        }

        var power = (long)s_exactPowersOfTen[fractionDigits];
        var whole = digits / power;
        whole.TryFormat(destination.Slice(at), out var wholeLength, default, CultureInfo.InvariantCulture);
        at += wholeLength;
        if (fractionDigits == 0)
        {
            return at;
        }

        destination[at++] = '.';
        var fraction = digits % power;
        for (var i = at + fractionDigits - 1; i >= at; i--)
        {
            destination[i] = (char)('0' + (fraction % 10));
            fraction /= 10;
        }

        return at + fractionDigits;
    }

    /// <summary>An integer of at most nine digits (any value of that size fits an <see cref="int"/>).</summary>
    public static bool TryParseSmallInteger(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        var negative = !text.IsEmpty && text[0] == '-';
        var digits = negative ? text.Slice(1) : text;
        if (digits.IsEmpty || digits.Length > 9)
        {
            return false;
        }

        long result = 0;
        foreach (var c in digits)
        {
            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            result = (result * 10) + digit;
        }

        value = negative ? -result : result;
        return true;
    }

    /// <summary>
    /// A plain decimal (<c>-12.345</c>, no exponent) with at most 15 significant digits: the digits
    /// and the power of ten are both exact doubles, so one division gives the correctly rounded result.
    /// </summary>
    public static bool TryParseShortDecimal(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        var negative = !text.IsEmpty && text[0] == '-';
        var digits = negative ? text.Slice(1) : text;
        if (digits.IsEmpty)
        {
            return false;
        }

        long mantissa = 0;
        var digitCount = 0;
        var fractionDigits = -1;
        foreach (var c in digits)
        {
            if (c == '.' && fractionDigits < 0)
            {
                fractionDigits = 0;
                continue;
            }

            var digit = (uint)(c - '0');
            if (digit > 9)
            {
                return false;
            }

            if (++digitCount > 15)
            {
                return false;
            }

            mantissa = (mantissa * 10) + digit;
            if (fractionDigits >= 0)
            {
                fractionDigits++;
            }
        }

        if (digitCount == 0)
        {
            return false; // "." or "-." alone is not a number
        }

        var result = fractionDigits <= 0 ? mantissa : mantissa / s_exactPowersOfTen[fractionDigits];
        value = negative ? -result : result;
        return true;
    }
}
