using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using CsCheck;

namespace Amsha.Tests.Serialization;

/// <summary>
/// <see cref="Utf16JsonWriter"/> against <see cref="Utf8JsonWriter"/> with default options: the same
/// values and structures must give the same text, character for character.
/// </summary>
public sealed class Utf16JsonWriterTests
{
    // A value to write: a scalar (null, bool, numbers, string, JsonEncodedText, dates, Guid), an array or an object.
    internal abstract record Piece;

    internal sealed record Scalar(object? Value) : Piece
    {
        public override string ToString() => Value switch
        {
            null => "null",
            string s => "string " + Show(s),
            double d => "double " + d.ToString("R", CultureInfo.InvariantCulture) + " bits " + BitConverter.DoubleToInt64Bits(d).ToString("X16", CultureInfo.InvariantCulture),
            DateTime t => "DateTime " + t.Ticks.ToString(CultureInfo.InvariantCulture) + " " + t.Kind,
            DateTimeOffset t => "DateTimeOffset " + t.Ticks.ToString(CultureInfo.InvariantCulture) + " " + t.Offset,
            JsonEncodedText e => "encoded " + Show(e.Value),
            _ => Value.GetType().Name + " " + Convert.ToString(Value, CultureInfo.InvariantCulture),
        };
    }

    internal sealed record ArrayOf(Piece[] Items) : Piece
    {
        public override string ToString() => "[" + string.Join(", ", Items.Select(i => i.ToString())) + "]";
    }

    internal sealed record ObjectOf((string Name, bool PreEncoded, Piece Value)[] Members) : Piece
    {
        public override string ToString() => "{" + string.Join(", ", Members.Select(m => (m.PreEncoded ? "encoded " : "") + Show(m.Name) + ": " + m.Value)) + "}";
    }

    /// <summary>Strings of every UTF-16 code unit, lone surrogates included.</summary>
    internal static readonly Gen<string> AnyUtf16 = Gen.OneOf(
        Gen.Char.Array[0, 24].Select(chars => new string(chars)),
        Gen.Char['\0', '\u00ff'].Array[0, 24].Select(chars => new string(chars)),
        Gen.Char['\ud7f0', '\ue010'].Array[0, 8].Select(chars => new string(chars)));

    /// <summary>Strings that are valid UTF-16 (JsonEncodedText refuses the others).</summary>
    internal static readonly Gen<string> ValidUtf16 = Gen.OneOf(Generators.Text, AnyUtf16.Where(IsValidUtf16));

    internal static readonly Gen<string> AnyString = Gen.OneOf(Generators.Text, AnyUtf16);

    internal static readonly Gen<string> ValidString = Gen.OneOf(Generators.Text, ValidUtf16);

    /// <summary>Decimals a person would write: m / 10^k with m up to 2^53, so "0.1", "12.5", "3.14159".</summary>
    internal static readonly Gen<double> NiceDouble = Gen.Select(Gen.Int[1, 16], Gen.Int[0, 20], Gen.Bool, Gen.Long[0, 1L << 53],
        (digits, k, negative, m) =>
        {
            var bounded = m % (long)Math.Min(Math.Pow(10, digits), 1L << 53);
            var value = bounded / Math.Pow(10, k);
            return negative ? -value : value;
        });

    /// <summary>Doubles near the places where the shortest form switches to exponent notation, and their neighbours.</summary>
    internal static readonly Gen<double> BoundaryDouble = Gen.Select(Gen.OneOf(1e-4, 1e-5, 1e15, 1e16, 1e14, 1e-3, 9.999e-5, 999999999999999.0, 1e17), Gen.Int[-300, 300], Gen.Bool,
        (anchor, steps, negative) =>
        {
            var value = anchor;
            for (var i = 0; i < Math.Abs(steps); i++)
            {
                value = steps > 0 ? Math.BitIncrement(value) : Math.BitDecrement(value);
            }

            return negative ? -value : value;
        });

    internal static readonly Gen<double> AnyDouble = Gen.OneOf(
        Gen.Double.Where(double.IsFinite),
        Generators.Double,
        NiceDouble,
        NiceDouble.Select(d => Math.BitIncrement(d)),
        NiceDouble.Select(d => Math.BitDecrement(d)),
        BoundaryDouble,
        Gen.OneOf(0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 0.1, 0.2, 0.30000000000000004, 1.0 / 3, 2.0 / 3, 123456789012345.6, 12345678901234.56));

    /// <summary>Dates with every kind, and ticks that leave 0 to 7 fraction digits.</summary>
    internal static readonly Gen<DateTime> AnyDateTime = Gen.Select(Gen.Long[0, DateTime.MaxValue.Ticks], Gen.Int[0, 7], Gen.OneOf(DateTimeKind.Unspecified, DateTimeKind.Utc, DateTimeKind.Local),
        (ticks, zeros, kind) =>
        {
            var unit = (long)Math.Pow(10, zeros);
            return new DateTime(ticks - (ticks % unit), kind);
        });

    internal static readonly Gen<DateTimeOffset> AnyDateTimeOffset = Gen.Select(
            Gen.Long[TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay], Gen.Int[0, 7], Gen.OneOf(Gen.Int[-14 * 60, 14 * 60], Gen.OneOf(0, 60, -60, 330, -570, 840, -840)),
        (ticks, zeros, minutes) =>
        {
            var unit = (long)Math.Pow(10, zeros);
            return new DateTimeOffset(ticks - (ticks % unit), TimeSpan.FromMinutes(minutes));
        });

    internal static readonly Gen<Piece> AnyScalar = Gen.OneOf<object?>(
            Gen.Bool.Select(_ => (object?)null),
            Gen.Bool.Select(b => (object?)b),
            Generators.Int.Select(i => (object?)i),
            Gen.UInt.Select(i => (object?)i),
            Generators.Long.Select(i => (object?)i),
            Generators.ULong.Select(i => (object?)i),
            Generators.Float.Select(f => (object?)f),
            AnyDouble.Select(d => (object?)d),
            Generators.Decimal.Select(d => (object?)d),
            ValidString.Select(s => (object?)s),
            ValidUtf16.Select(s => (object?)JsonEncodedText.Encode(s)),
            AnyDateTime.Select(d => (object?)d),
            AnyDateTimeOffset.Select(d => (object?)d),
            Gen.Guid.Select(g => (object?)g))
        .Select(value => (Piece)new Scalar(value));

    internal static readonly Gen<Piece> AnyPiece = PieceOfDepth(3);

    [Fact]
    public void Every_single_character_is_escaped_like_Utf8JsonWriter_as_a_value_and_as_a_property_name()
    {
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var text = new string((char)c, 1) + "a" + new string((char)c, 2);
            AssertStringWrittenLikeUtf8(text);
        }
    }

    [Fact]
    public void Random_strings_and_property_names_are_escaped_like_Utf8JsonWriter()
    {
        AnyString.Sample(text =>
        {
            AssertStringWrittenLikeUtf8(text);
            if (IsValidUtf16(text))
            {
                var piece = new ArrayOf([new Scalar(text), new ObjectOf([(text, false, new Scalar(text)), ("b" + text, false, new ArrayOf([new Scalar(text)]))]), new Scalar(text)]);
                Assert.Equal(WriteUtf8(piece), WriteUtf16(piece));
            }
        }, iter: 3000, print: Show);
    }

    [Fact]
    public void Lone_surrogates_are_escaped_as_themselves_where_Utf8JsonWriter_writes_a_replacement_character()
    {
        // The deliberate difference that lets a string holding a lone surrogate survive a round trip
        // through JsonCodecs: Utf8JsonWriter has to transcode to UTF-8 and replaces it with U+FFFD.
        var writer = new Utf16JsonWriter();
        writer.WriteStartObject();
        writer.WritePropertyName("\uD800x");
        writer.WriteStringValue("a\uDFFF\uD83D\uDE00\uDBFF");
        writer.WriteEndObject();

        Assert.Equal("""{"\uD800x":"a\uDFFF\uD83D\uDE00\uDBFF"}""", writer.ToString());
        Assert.Equal("\"\\uFFFD\"", WriteUtf8(new Scalar("\uD800")));
    }

    [Fact]
    public void Pre_encoded_names_and_values_are_written_like_Utf8JsonWriter()
    {
        ValidUtf16.Sample(text =>
        {
            var encoded = JsonEncodedText.Encode(text);
            var piece = new ObjectOf([(text, true, new Scalar(encoded)), (text + "x", true, new ArrayOf([new Scalar(encoded), new Scalar(encoded)])), ("z", false, new Scalar(encoded))]);
            Assert.Equal(WriteUtf8(piece), WriteUtf16(piece));
        }, iter: 2000, print: Show);
    }

    [Fact]
    public void Names_with_their_values_are_written_like_Utf8JsonWriter()
    {
        Gen.Select(ValidUtf16, Generators.Int, Generators.Long, Gen.Double.Where(double.IsFinite)).Sample((text, i, l, d) =>
        {
            var name = JsonEncodedText.Encode(text);
            var when = new DateTime(2026, 11, 30, 14, 5, 6, 700, DateTimeKind.Utc).AddTicks(i & 0xFFFF);
            var utf16 = new Utf16JsonWriter();
            var buffer = new ArrayBufferWriter<byte>();
            using (var utf8 = new Utf8JsonWriter(buffer))
            {
                utf16.WriteStartObject();
                utf8.WriteStartObject();
                utf16.WriteBoolean(name, i % 2 == 0);
                utf8.WriteBoolean(name, i % 2 == 0);
                utf16.WriteString(name, text);
                utf8.WriteString(name, text);
                utf16.WriteString(name, (string?)null);
                utf8.WriteString(name, (string?)null);
                utf16.WriteString(name, when);
                utf8.WriteString(name, when);
                utf16.WriteString(name, new DateTimeOffset(when).ToOffset(TimeSpan.FromHours(5.5)));
                utf8.WriteString(name, new DateTimeOffset(when).ToOffset(TimeSpan.FromHours(5.5)));
                utf16.WriteString(name, new Guid(i, 1, 2, [3, 4, 5, 6, 7, 8, 9, 10]));
                utf8.WriteString(name, new Guid(i, 1, 2, [3, 4, 5, 6, 7, 8, 9, 10]));
                utf16.WriteNumber(name, i);
                utf8.WriteNumber(name, i);
                utf16.WriteNumber(name, unchecked((uint)i));
                utf8.WriteNumber(name, unchecked((uint)i));
                utf16.WriteNumber(name, l);
                utf8.WriteNumber(name, l);
                utf16.WriteNumber(name, unchecked((ulong)l));
                utf8.WriteNumber(name, unchecked((ulong)l));
                utf16.WriteNumber(name, d);
                utf8.WriteNumber(name, d);
                utf16.WriteNumber(name, (float)i);
                utf8.WriteNumber(name, (float)i);
                utf16.WriteNumber(name, (decimal)l / 100);
                utf8.WriteNumber(name, (decimal)l / 100);
                utf16.WriteEndObject();
                utf8.WriteEndObject();
            }

            Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), utf16.ToString());
        }, iter: 1000);
    }

    [Fact]
    public void Integers_of_every_width_are_written_like_Utf8JsonWriter()
    {
        Gen.Select(Generators.Int, Gen.OneOf(Gen.UInt, Gen.OneOf(uint.MinValue, uint.MaxValue)), Generators.Long, Generators.ULong).Sample((i, u, l, ul) =>
        {
            AssertSameAsUtf8(new Scalar(i), new Scalar(u), new Scalar(l), new Scalar(ul));
        }, iter: 3000);
    }

    [Fact]
    public void Floats_are_written_like_Utf8JsonWriter()
    {
        Gen.OneOf(Generators.Float, Gen.Float.Where(float.IsFinite), Gen.OneOf(0f, -0f, 0.1f, 1e-5f, 1e7f, 16777216f, 3.4028235e38f)).Sample(value =>
        {
            AssertSameAsUtf8(new Scalar(value));
        }, iter: 3000);
    }

    [Fact]
    public void Doubles_are_written_like_Utf8JsonWriter()
    {
        AnyDouble.Sample(value =>
        {
            AssertSameAsUtf8(new Scalar(value));
        }, iter: 6000, print: d => new Scalar(d).ToString());
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(1e14, "100000000000000")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(1e17, "1E+17")]
    [InlineData(123.456, "123.456")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void Doubles_have_the_shortest_round_trip_form(double value, string expected)
    {
        var writer = new Utf16JsonWriter();

        writer.WriteNumberValue(value);

        Assert.Equal(expected, writer.ToString());
        Assert.Equal(WriteUtf8(new Scalar(value)), expected);
    }

    [Fact]
    public void Non_finite_doubles_and_floats_are_refused_like_Utf8JsonWriter()
    {
        foreach (var value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            Assert.Throws<ArgumentException>(() => new Utf16JsonWriter().WriteNumberValue(value));
            Assert.Throws<ArgumentException>(() => new Utf8JsonWriter(new ArrayBufferWriter<byte>()).WriteNumberValue(value));
            Assert.Throws<ArgumentException>(() => new Utf16JsonWriter().WriteNumberValue((float)value));
        }
    }

    [Fact]
    public void Decimals_are_written_like_Utf8JsonWriter()
    {
        Gen.OneOf(Generators.Decimal, Gen.OneOf(0m, -0m, 1.50m, 0.0000000000000000000000000001m, -79228162514264337593543950335m, 1e-28m * 12345)).Sample(value =>
        {
            AssertSameAsUtf8(new Scalar(value));
        }, iter: 3000);
    }

    [Fact]
    public void DateTimes_of_every_kind_are_written_like_Utf8JsonWriter()
    {
        Gen.OneOf(AnyDateTime, Gen.OneOf(DateTime.MinValue, DateTime.MaxValue, new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc), new DateTime(2024, 1, 1, 0, 0, 0, 500, DateTimeKind.Local))).Sample(value =>
        {
            AssertSameAsUtf8(new Scalar(value));
        }, iter: 3000, print: d => new Scalar(d).ToString());
    }

    [Fact]
    public void DateTimeOffsets_with_offsets_are_written_like_Utf8JsonWriter()
    {
        Gen.OneOf(AnyDateTimeOffset, Gen.OneOf(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.FromHours(-14)))).Sample(value =>
        {
            AssertSameAsUtf8(new Scalar(value));
        }, iter: 3000, print: d => new Scalar(d).ToString());
    }

    [Fact]
    public void Guids_booleans_and_nulls_are_written_like_Utf8JsonWriter()
    {
        Gen.Select(Gen.Guid, Gen.Bool).Sample((guid, flag) =>
        {
            AssertSameAsUtf8(new Scalar(guid), new Scalar(flag), new Scalar(null), new Scalar(!flag));
        }, iter: 1000);
    }

    [Fact]
    public void Nested_arrays_and_objects_get_the_same_commas_and_text_as_Utf8JsonWriter()
    {
        AnyPiece.Sample(piece =>
        {
            Assert.Equal(WriteUtf8(piece), WriteUtf16(piece));
        }, iter: 2000);
    }

    [Fact]
    public void A_reset_writer_writes_the_same_text_again_and_grows_from_its_smallest_buffer()
    {
        AnyPiece.Sample(piece =>
        {
            var writer = new Utf16JsonWriter(0);
            Write(writer, piece);
            var first = writer.ToString();
            Assert.Equal(first, new string(writer.WrittenSpan));
            writer.Reset();
            Assert.Equal(0, writer.WrittenSpan.Length);
            Write(writer, piece);
            Assert.Equal(first, writer.ToString());
        }, iter: 500);
    }

    [Fact]
    public void Short_decimal_formatting_is_exactly_double_ToString_whenever_it_answers()
    {
        var answered = 0;
        AnyDouble.Sample(value =>
        {
            Span<char> buffer = stackalloc char[64];
            if (FastNumbers.TryFormatShortDecimal(value, buffer, out var written))
            {
                Interlocked.Increment(ref answered);
                Assert.Equal(value.ToString(CultureInfo.InvariantCulture), new string(buffer.Slice(0, written)));
            }
        }, iter: 20000, print: d => new Scalar(d).ToString());

        Assert.True(answered > 2000, $"The fast path answered only {answered} times: the test would not notice if it were wrong.");
    }

    [Fact]
    public void Short_decimal_formatting_answers_for_plain_decimals_of_up_to_fifteen_digits()
    {
        var asked = 0;
        var answered = 0;
        Gen.Select(Gen.Long[1, 999_999_999_999_999], Gen.Int[0, 15], Gen.Bool).Sample((m, k, negative) =>
        {
            var value = m / Math.Pow(10, k) * (negative ? -1 : 1);
            if (Math.Abs(value) is < 1e-4 or >= 1e15)
            {
                return;
            }

            Interlocked.Increment(ref asked);
            Span<char> buffer = stackalloc char[64];
            if (FastNumbers.TryFormatShortDecimal(value, buffer, out var written))
            {
                Interlocked.Increment(ref answered);
                Assert.Equal(value.ToString(CultureInfo.InvariantCulture), new string(buffer.Slice(0, written)));
            }
        }, iter: 5000);

        Assert.True(answered > asked * 9 / 10, $"answered {answered} of {asked}");
        Span<char> buffer = stackalloc char[64];
        foreach (var (value, expected) in new[] { (0.1, "0.1"), (1e-4, "0.0001"), (-2.5, "-2.5"), (123.456, "123.456"), (999999999999999.0, "999999999999999"), (1e14, "100000000000000"), (3.14159, "3.14159") })
        {
            Assert.True(FastNumbers.TryFormatShortDecimal(value, buffer, out var written), expected);
            Assert.Equal(expected, new string(buffer.Slice(0, written)));
        }
    }

    [Fact]
    public void Short_decimal_formatting_leaves_exponent_forms_and_zero_to_the_framework()
    {
        Span<char> buffer = stackalloc char[64];
        foreach (var value in new[] { 0.0, -0.0, 1e-5, 9.99e-5, 1e15, 1e16, double.Epsilon, double.MaxValue })
        {
            Assert.False(FastNumbers.TryFormatShortDecimal(value, buffer, out _), value.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Short_decimal_and_small_integer_parsing_equal_the_framework_parsers_whenever_they_answer()
    {
        var numbers = 0;
        NumberLikeText.Sample(text =>
        {
            var parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);
            if (FastNumbers.TryParseShortDecimal(text, out var value))
            {
                Interlocked.Increment(ref numbers);
                Assert.True(parsed, "the framework does not parse it");
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
            }

            var parsedLong = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expectedLong);
            if (FastNumbers.TryParseSmallInteger(text, out var small))
            {
                Assert.True(parsedLong, "the framework does not parse it");
                Assert.Equal(expectedLong, small);
            }
        }, iter: 10000, print: Show);

        Assert.True(numbers > 1000, $"The fast path answered only {numbers} times.");
    }

    [Fact]
    public void One_escape_early_in_a_long_text_does_not_reserve_room_for_escaping_all_of_it()
    {
        var text = "\n" + new string('a', 100_000);
        var writer = new Utf16JsonWriter(16);

        writer.WriteStringValue(text);

        Assert.Equal("\"\\n" + text.Substring(1) + "\"", writer.ToString());
        Assert.True(writer.Capacity < 2 * text.Length + 64, $"The writer grew to {writer.Capacity} characters for {text.Length}.");
    }

    [Fact]
    public void Short_decimals_written_by_the_fast_path_parse_back_through_the_fast_parser()
    {
        var roundTrips = 0;
        NiceDouble.Sample(value =>
        {
            Span<char> buffer = stackalloc char[64];
            if (FastNumbers.TryFormatShortDecimal(value, buffer, out var written) && FastNumbers.TryParseShortDecimal(buffer.Slice(0, written), out var back))
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(back));
                Interlocked.Increment(ref roundTrips);
            }
        }, iter: 3000);

        // Both fast paths must actually have answered, or the test checked nothing.
        Assert.True(roundTrips > 1000, $"Only {roundTrips} values went through both fast paths.");
    }

    // Number-shaped text, valid or not: signs, dots, exponents, leading zeros, and lengths around the fast paths' limits.
    internal static readonly Gen<string> NumberLikeText = Gen.OneOf(
        Gen.Select(
            Gen.OneOf("", "", "-", "+", "--"),
            Gen.Char['0', '9'].Array[0, 20].Select(c => new string(c)),
            Gen.OneOf("", ".", ".", "..", "e", "E+", "e-", "x"),
            Gen.Char['0', '9'].Array[0, 18].Select(c => new string(c)),
            (sign, whole, separator, fraction) => sign + whole + separator + fraction),
        Gen.OneOf("", "-", ".", "-.", "0", "-0", "-0.0", ".5", "5.", "00", "1.2.3", "999999999", "1000000000", "-999999999", "123456789012345", "1234567890123456",
            "0.000000000000001", "0.00000000000001", "999999999999999.9", "1e5", " 1", "1 ", "١٢"));

    internal static string Show(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is >= ' ' and < '\u007f' and not '"' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return builder.Append('"').ToString();
    }

    internal static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    // A string as a value alone, and as a property name and value: Utf8JsonWriter's text, except
    // that a lone surrogate is escaped as itself (see the test above), so valid runs are compared
    // with Utf8JsonWriter and the lone surrogates between them with their \uXXXX escapes.
    private static void AssertStringWrittenLikeUtf8(string text)
    {
        var quoted = QuotedLikeUtf8JsonWriter(text);
        var value = new Utf16JsonWriter();
        value.WriteStringValue(text);
        Assert.Equal(quoted, value.ToString());

        var obj = new Utf16JsonWriter();
        obj.WriteStartObject();
        obj.WritePropertyName(text);
        obj.WriteStringValue(text);
        obj.WritePropertyName(text);
        obj.WriteStartArray();
        obj.WriteStringValue(text);
        obj.WriteStringValue(text);
        obj.WriteEndArray();
        obj.WriteEndObject();
        Assert.Equal("{" + quoted + ":" + quoted + "," + quoted + ":[" + quoted + "," + quoted + "]}", obj.ToString());
    }

    private static string QuotedLikeUtf8JsonWriter(string text)
    {
        var builder = new StringBuilder("\"");
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                var utf8 = WriteUtf8(new Scalar(text.Substring(run, i - run)));
                builder.Append(utf8, 1, utf8.Length - 2).Append("\\u").Append(((int)text[i]).ToString("X4", CultureInfo.InvariantCulture));
                run = i + 1;
            }
        }

        var last = WriteUtf8(new Scalar(text.Substring(run)));
        return builder.Append(last, 1, last.Length - 2).Append('"').ToString();
    }

    internal static string WriteUtf8(Piece piece)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, piece);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string WriteUtf16(Piece piece)
    {
        var writer = new Utf16JsonWriter();
        Write(writer, piece);
        return writer.ToString();
    }

    // The scalars as items of an array, and as property values of an object inside it, so commas are exercised too.
    private static void AssertSameAsUtf8(params Piece[] scalars)
    {
        var piece = new ArrayOf([.. scalars, new ObjectOf(scalars.Select((s, i) => ("p" + i.ToString(CultureInfo.InvariantCulture), false, s)).ToArray()), .. scalars]);
        Assert.Equal(WriteUtf8(piece), WriteUtf16(piece));
        foreach (var scalar in scalars)
        {
            Assert.Equal(WriteUtf8(scalar), WriteUtf16(scalar));
        }
    }

    private static Gen<Piece> PieceOfDepth(int depth) => depth == 0
        ? AnyScalar
        : Gen.OneOf(
            AnyScalar,
            AnyScalar,
            AnyScalar,
            PieceOfDepth(depth - 1).Array[0, 4].Select(items => (Piece)new ArrayOf(items)),
            Gen.Select(ValidString, Gen.Bool, PieceOfDepth(depth - 1)).Array[0, 4]
                .Select(members => (Piece)new ObjectOf(members.Select(m => (m.Item1, m.Item2, m.Item3)).ToArray())));

    private static void Write(Utf8JsonWriter writer, Piece piece)
    {
        switch (piece)
        {
            case ArrayOf array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                return;
            case ObjectOf obj:
                writer.WriteStartObject();
                foreach (var (name, preEncoded, value) in obj.Members)
                {
                    if (preEncoded)
                    {
                        writer.WritePropertyName(JsonEncodedText.Encode(name));
                    }
                    else
                    {
                        writer.WritePropertyName(name);
                    }

                    Write(writer, value);
                }

                writer.WriteEndObject();
                return;
        }

        switch (((Scalar)piece).Value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case uint u: writer.WriteNumberValue(u); break;
            case long l: writer.WriteNumberValue(l); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case float f: writer.WriteNumberValue(f); break;
            case double d: writer.WriteNumberValue(d); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case string s: writer.WriteStringValue(s); break;
            case JsonEncodedText e: writer.WriteStringValue(e); break;
            case DateTime t: writer.WriteStringValue(t); break;
            case DateTimeOffset t: writer.WriteStringValue(t); break;
            case Guid g: writer.WriteStringValue(g); break;
            default: throw new InvalidOperationException("unknown scalar");
        }
    }

    private static void Write(Utf16JsonWriter writer, Piece piece)
    {
        switch (piece)
        {
            case ArrayOf array:
                writer.WriteStartArray();
                foreach (var item in array.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                return;
            case ObjectOf obj:
                writer.WriteStartObject();
                foreach (var (name, preEncoded, value) in obj.Members)
                {
                    if (preEncoded)
                    {
                        writer.WritePropertyName(JsonEncodedText.Encode(name));
                    }
                    else
                    {
                        writer.WritePropertyName(name);
                    }

                    Write(writer, value);
                }

                writer.WriteEndObject();
                return;
        }

        switch (((Scalar)piece).Value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case uint u: writer.WriteNumberValue(u); break;
            case long l: writer.WriteNumberValue(l); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case float f: writer.WriteNumberValue(f); break;
            case double d: writer.WriteNumberValue(d); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case string s: writer.WriteStringValue(s); break;
            case JsonEncodedText e: writer.WriteStringValue(e); break;
            case DateTime t: writer.WriteStringValue(t); break;
            case DateTimeOffset t: writer.WriteStringValue(t); break;
            case Guid g: writer.WriteStringValue(g); break;
            default: throw new InvalidOperationException("unknown scalar");
        }
    }
}

/// <summary>
/// The UTF-16 path of <see cref="JsonCodecs"/>: hand-written codecs with only the UTF-8 members go through
/// the default bridge, generated codecs through their own UTF-16 members; both agree with the UTF-8 path.
/// </summary>
public sealed class Utf16CodecPathTests
{
    [Fact]
    public void A_codec_with_only_utf8_members_serializes_and_deserializes_through_JsonCodecs()
    {
        var codec = Register();
        Gen.Select(Utf16JsonWriterTests.AnyDouble, Utf16JsonWriterTests.ValidString).Sample((celsius, label) =>
        {
            var value = new Temperature(celsius, label);

            var json = JsonCodecs.Serialize(value);

            Assert.Equal(WriteWithUtf8(codec, value), json);
            var back = JsonCodecs.Deserialize<Temperature>(" \r\n" + json + "\t ");
            Assert.Equal(BitConverter.DoubleToInt64Bits(celsius), BitConverter.DoubleToInt64Bits(back.Celsius));
            Assert.Equal(label, back.Label);
        }, iter: 1000);
    }

    [Fact]
    public void A_codec_with_only_utf8_members_reads_array_items_and_the_utf16_reader_carries_on_after_them()
    {
        var temperatures = Register();
        var tags = new TagCodec();
        const string Json = """ [ {"label":"a\"b","extra":[1,{"x":[]}],"celsius":1.5} , 42, {"celsius":-0.25,"label":"\u00e9\ud83d\ude00"},"#tag\n", null, {"t":{"celsius":2,"label":""}}, "#" ] """;

        var reader = new Utf16JsonReader(Json);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.StartArray, reader.TokenType);
        Assert.True(reader.Read());
        Assert.Equal(new Temperature(1.5, "a\"b"), temperatures.Read(ref reader));
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        Assert.Equal(1, reader.CurrentDepth);
        Assert.True(reader.Read());
        Assert.True(reader.TryGetInt32(out var number));
        Assert.Equal(42, number);
        Assert.True(reader.Read());
        Assert.Equal(new Temperature(-0.25, "é😀"), temperatures.Read(ref reader));
        Assert.True(reader.Read());
        Assert.Equal(new Tag("tag\n"), tags.Read(ref reader));
        Assert.Equal(JsonTokenType.String, reader.TokenType);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.Null, reader.TokenType);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.StartObject, reader.TokenType);
        Assert.True(reader.Read());
        Assert.True(reader.ValueTextEquals("t"));
        Assert.True(reader.Read());
        Assert.Equal(new Temperature(2, ""), temperatures.Read(ref reader));
        Assert.Equal(2, reader.CurrentDepth);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        Assert.True(reader.Read());
        Assert.Equal(new Tag(""), tags.Read(ref reader));
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
        Assert.False(reader.Read());
    }

    [Fact]
    public void A_codec_with_only_utf8_members_writes_inside_utf16_arrays_and_objects_with_the_right_commas()
    {
        var temperatures = Register();
        var tags = new TagCodec();
        Gen.Select(Utf16JsonWriterTests.AnyDouble, Utf16JsonWriterTests.ValidString, Utf16JsonWriterTests.ValidString).Sample((celsius, label, tag) =>
        {
            var value = new Temperature(celsius, label);
            var utf16 = new Utf16JsonWriter(0);
            utf16.WriteStartObject();
            utf16.WritePropertyName("t");
            temperatures.Write(utf16, value);
            utf16.WritePropertyName("list");
            utf16.WriteStartArray();
            temperatures.Write(utf16, value);
            tags.Write(utf16, new Tag(tag));
            utf16.WriteNumberValue(1);
            temperatures.Write(utf16, value);
            utf16.WriteEndArray();
            utf16.WritePropertyName("tag");
            tags.Write(utf16, new Tag(tag));
            utf16.WriteEndObject();

            var buffer = new ArrayBufferWriter<byte>();
            using (var utf8 = new Utf8JsonWriter(buffer))
            {
                utf8.WriteStartObject();
                utf8.WritePropertyName("t");
                temperatures.Write(utf8, value);
                utf8.WritePropertyName("list");
                utf8.WriteStartArray();
                temperatures.Write(utf8, value);
                tags.Write(utf8, new Tag(tag));
                utf8.WriteNumberValue(1);
                temperatures.Write(utf8, value);
                utf8.WriteEndArray();
                utf8.WritePropertyName("tag");
                tags.Write(utf8, new Tag(tag));
                utf8.WriteEndObject();
            }

            Assert.Equal(Encoding.UTF8.GetString(buffer.WrittenSpan), utf16.ToString());
        }, iter: 500);
    }

    [Theory]
    [InlineData("""{"label":"x"}""", "celsius is missing")]
    [InlineData("""{"celsius":1,"label":"x"} x""", "'x' is invalid after a single JSON value")]
    [InlineData("{\"celsius\":1,\"label\":\"x\u0001\"}", "Control character U+0001")]
    [InlineData("""{"celsius":1,"label":"x\""", "The JSON ended inside a string")]
    [InlineData("""{"celsius":1,"label":"x",}""", "Expected a property name")]
    [InlineData("""[1,2]""", "Expected an object")]
    public void Errors_of_a_codec_with_only_utf8_members_and_of_the_text_around_it_are_JsonExceptions(string json, string message)
    {
        Register();

        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Temperature>(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_inside_a_value_read_by_a_codec_with_only_utf8_members_is_rejected()
    {
        Register();
        var json = "{\"celsius\":1,\"label\":\"x\",\"extra\":" + new string('[', 300) + new string(']', 300) + "}";

        var error = Assert.ThrowsAny<JsonException>(() => JsonCodecs.Deserialize<Temperature>(json));

        Assert.Contains("maximum depth of 256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_codecs_write_the_same_text_on_the_utf16_and_utf8_paths_and_read_it_back_the_same()
    {
        Assert.True(JsonCodecs.TryGet<Everything>(out var codec));
        Generators.Everything.Sample(value =>
        {
            var utf16 = JsonCodecs.Serialize(value);

            Assert.Equal(WriteWithUtf8(codec, value), utf16);
            Assert.Equal(utf16, JsonCodecs.Serialize(ReadWithUtf8(codec, utf16)));
            Assert.Equal(utf16, JsonCodecs.Serialize(JsonCodecs.Deserialize<Everything>(utf16)));
        }, iter: 300);
    }

    [Fact]
    public void Generated_recursive_codecs_write_the_same_text_on_both_paths()
    {
        Assert.True(JsonCodecs.TryGet<Node>(out var codec));
        Generators.Node.Sample(value =>
        {
            var utf16 = JsonCodecs.Serialize(value);

            Assert.Equal(WriteWithUtf8(codec, value), utf16);
            Assert.Equal(utf16, JsonCodecs.Serialize(ReadWithUtf8(codec, utf16)));
        }, iter: 300);
    }

    [Fact]
    public void Generated_codecs_read_reformatted_text_the_same_way_on_both_paths()
    {
        // Escaped, re-cased and relaxed-escaped names and strings, and whitespace everywhere: the
        // UTF-16 path (escaped names, case-insensitive fallback, escaped dates and GUIDs) must
        // reach the same value, or the same error, as the UTF-8 path.
        Assert.True(JsonCodecs.TryGet<Everything>(out var codec));
        var succeeded = 0;
        Gen.Select(Generators.Everything, Gen.Int).Sample((value, seed) =>
        {
            var json = Reformat(JsonCodecs.Serialize(value), new Random(seed));

            var expected = Outcome(() => JsonCodecs.Serialize(ReadWithUtf8(codec, json)));
            var actual = Outcome(() => JsonCodecs.Serialize(JsonCodecs.Deserialize<Everything>(json)));

            Assert.Equal(expected, actual);
            if (!expected.StartsWith("JsonException", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref succeeded);
            }
        }, iter: 300, print: t => Utf16JsonWriterTests.Show(Reformat(JsonCodecs.Serialize(t.Item1), new Random(t.Item2))));

        Assert.True(succeeded > 100, $"only {succeeded} reformatted texts were read");
    }

    private static TemperatureCodec Register()
    {
        var codec = new TemperatureCodec();
        JsonCodecs.Register(codec);
        JsonCodecs.Register(new TagCodec());
        return codec;
    }

    private static string WriteWithUtf8<T>(JsonCodec<T> codec, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            codec.Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static T ReadWithUtf8<T>(JsonCodec<T> codec, string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = JsonCodecs.MaxDepth });
        reader.Read();
        var value = codec.Read(ref reader);
        Assert.False(reader.Read());
        return value;
    }

    private static string Outcome(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (JsonException e)
        {
            return "JsonException at " + e.Path + ": " + e.Message;
        }
    }

    // The same JSON written differently: whitespace between tokens; names and strings as they were,
    // fully \u-escaped (either case), or with only the escapes JSON requires; names also upper-cased
    // or with their letters' case flipped at random.
    private static string Reformat(string json, Random random)
    {
        var builder = new StringBuilder();
        var needsComma = new Stack<bool>();
        var afterName = false;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    needsComma.Pop();
                    AppendWhitespace(builder, random);
                    builder.Append(reader.TokenType == JsonTokenType.EndObject ? '}' : ']');
                    continue;
                case JsonTokenType.PropertyName:
                    if (needsComma.Pop())
                    {
                        builder.Append(',');
                    }

                    needsComma.Push(true);
                    AppendWhitespace(builder, random);
                    var name = reader.GetString()!;
                    switch (random.Next(4))
                    {
                        case 0:
                            AppendString(builder, name.ToUpperInvariant(), null, random);
                            break;
                        case 1:
                            AppendString(builder, string.Concat(name.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))), null, random);
                            break;
                        default:
                            AppendString(builder, name, Encoding.UTF8.GetString(reader.ValueSpan), random);
                            break;
                    }

                    AppendWhitespace(builder, random);
                    builder.Append(':');
                    afterName = true;
                    continue;
            }

            if (!afterName && needsComma.Count > 0)
            {
                if (needsComma.Pop())
                {
                    builder.Append(',');
                }

                needsComma.Push(true);
            }

            afterName = false;
            AppendWhitespace(builder, random);
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    builder.Append(reader.TokenType == JsonTokenType.StartObject ? '{' : '[');
                    needsComma.Push(false);
                    break;
                case JsonTokenType.String:
                    AppendString(builder, reader.GetString()!, Encoding.UTF8.GetString(reader.ValueSpan), random);
                    break;
                default:
                    builder.Append(Encoding.UTF8.GetString(reader.ValueSpan));
                    break;
            }
        }

        AppendWhitespace(builder, random);
        return builder.ToString();
    }

    // `raw` is the string as it was written, if `text` is still what it says.
    private static void AppendString(StringBuilder builder, string text, string? raw, Random random)
    {
        builder.Append('"');
        switch (random.Next(3))
        {
            case 0:
                var upper = random.Next(2) == 0;
                foreach (var c in text)
                {
                    builder.Append("\\u").Append(((int)c).ToString(upper ? "X4" : "x4", CultureInfo.InvariantCulture));
                }

                break;
            case 1:
                builder.Append(JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value);
                break;
            default:
                builder.Append(raw ?? JsonEncodedText.Encode(text).Value);
                break;
        }

        builder.Append('"');
    }

    private static void AppendWhitespace(StringBuilder builder, Random random) =>
        builder.Append(random.Next(6) switch
        {
            0 => " ",
            1 => "\n  ",
            2 => "\t",
            3 => "\r\n",
            _ => "",
        });

    private sealed record Temperature(double Celsius, string Label);

    private sealed record Tag(string Name);

    // Hand-written the way a user would before the UTF-16 members existed: only the abstract UTF-8 members.
    private sealed class TemperatureCodec : JsonCodec<Temperature>
    {
        public override void Write(Utf8JsonWriter writer, Temperature value)
        {
            writer.WriteStartObject();
            writer.WriteNumber("celsius", value.Celsius);
            writer.WriteString("label", value.Label);
            writer.WriteEndObject();
        }

        public override Temperature Read(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"Expected an object, found {reader.TokenType}.");
            }

            double? celsius = null;
            string? label = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "celsius":
                        celsius = reader.GetDouble();
                        break;
                    case "label":
                        label = reader.GetString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new Temperature(celsius ?? throw new JsonException("celsius is missing."), label ?? "");
        }
    }

    // A codec whose value is a JSON string, so the bridge hands over a scalar token.
    private sealed class TagCodec : JsonCodec<Tag>
    {
        public override void Write(Utf8JsonWriter writer, Tag value) => writer.WriteStringValue("#" + value.Name);

        public override Tag Read(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String && reader.GetString() is ['#', .. var name]
            ? new Tag(name)
            : throw new JsonException("Expected a tag.");
    }
}
