using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using CsCheck;

namespace Amsha.Tests.Serialization;

/// <summary>
/// <see cref="Utf16JsonReader"/> against <see cref="Utf8JsonReader"/>: on valid JSON the token streams are
/// identical (types, depths, strings, raw numbers and every number conversion); on broken JSON both
/// reject the text; dates parse to the same values, kinds and offsets.
/// </summary>
public sealed class Utf16JsonReaderTests
{
    private static readonly Gen<string> Whitespace = Gen.OneOf("", "", "", "", " ", "\n", "\r\n", "\t", " \t ");

    private static Gen<string> Digits(int min, int max) => Gen.Char['0', '9'].Array[min, max].Select(c => new string(c));

    private static readonly Gen<string> UnicodeEscape = Gen.Select(
        Gen.OneOf(Gen.Int[0, 0x7f], Gen.Int[0, 0xd7ff], Gen.Int[0xe000, 0xffff]), Gen.Bool,
        (code, upper) => "\\u" + code.ToString(upper ? "X4" : "x4", CultureInfo.InvariantCulture));

    private static readonly Gen<string> SurrogatePairEscape = Gen.Select(
        Gen.Int[0xd800, 0xdbff], Gen.Int[0xdc00, 0xdfff], Gen.Bool,
        (high, low, upper) => "\\u" + high.ToString(upper ? "X4" : "x4", CultureInfo.InvariantCulture) + "\\u" + low.ToString(upper ? "X4" : "x4", CultureInfo.InvariantCulture));

    // What may sit between the quotes of a valid JSON string: raw characters (no lone surrogates), short escapes, \u escapes.
    private static readonly Gen<string> StringPiece = Gen.OneOf(
        Gen.Char[' ', '~'].Where(c => c is not '"' and not '\\').Select(c => c.ToString()),
        Gen.Char[' ', '~'].Where(c => c is not '"' and not '\\').Array[1, 6].Select(c => new string(c)),
        Gen.Char['\u007f', '\ud7ff'].Select(c => c.ToString()),
        Gen.Char['\ue000', '\uffff'].Select(c => c.ToString()),
        Gen.OneOf("😀", "é", "中文", "\u2028", "\u00a0", "ﬁ"),
        Gen.OneOf("\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"),
        UnicodeEscape,
        SurrogatePairEscape);

    private static readonly Gen<string> JsonString = Gen.OneOf(
        StringPiece.Array[0, 8].Select(pieces => "\"" + string.Concat(pieces) + "\""),
        Gen.Select(Gen.Guid, Gen.OneOf("D", "N", "B"), Gen.Bool, (guid, format, upper) => "\"" + (upper ? guid.ToString(format, CultureInfo.InvariantCulture).ToUpperInvariant() : guid.ToString(format, CultureInfo.InvariantCulture)) + "\""),
        Gen.Select(Utf16JsonWriterTests.AnyDateTime, Utf16JsonWriterTests.AnyDateTimeOffset, Gen.Bool, (date, offset, which) => which
            ? Utf16JsonWriterTests.WriteUtf8(new Utf16JsonWriterTests.Scalar(date))
            : Utf16JsonWriterTests.WriteUtf8(new Utf16JsonWriterTests.Scalar(offset))));

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? with short and long parts, plus the edges of every integer type.
    private static readonly Gen<string> JsonNumber = Gen.OneOf(
        Gen.Select(
            Gen.OneOf("", "", "-"),
            Gen.OneOf(Gen.Const("0"), Gen.Select(Gen.Char['1', '9'], Gen.OneOf(Digits(0, 2), Digits(0, 9), Digits(0, 25)), (first, rest) => first + rest)),
            Gen.OneOf(Gen.Const(""), Gen.Const(""), Gen.OneOf(Digits(1, 3), Digits(1, 25)).Select(d => "." + d)),
            Gen.OneOf(Gen.Const(""), Gen.Const(""), Gen.Select(Gen.OneOf("e", "E"), Gen.OneOf("", "+", "-"), Gen.OneOf(Digits(1, 1), Digits(1, 3)), (e, sign, d) => e + sign + d)),
            (sign, whole, fraction, exponent) => sign + whole + fraction + exponent),
        Gen.OneOf(
            "0", "-0", "-0.0", "0e0", "1E400", "-1e400", "1e-400", "127", "128", "-128", "-129", "255", "256", "32767", "32768", "-32768", "-32769", "65535", "65536",
            "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616", "79228162514264337593543950335",
            "79228162514264337593543950336", "-79228162514264337593543950335", "0.0000000000000000000000000001", "0.00000000000000000000000000001",
            "3.4028235E+38", "3.4028236E+38", "1.7976931348623157E+308", "1.7976931348623159E+308", "4.9E-324", "2.5E-324", "123456789", "1234567890",
            "-999999999", "0.1", "123.456", "1.000000000000000000000001", "1.5e3", "100.0", "1.50", "999999999999999.9", "0.000000000000001",
            "6620868.183446762793357231402450", "1.00000000000000000000000000005", "2.500000000000000000000000000050"),
        Utf16JsonWriterTests.AnyDouble.Select(d => d.ToString("R", CultureInfo.InvariantCulture)));

    private static readonly Gen<string> JsonLiteral = Gen.OneOf("true", "false", "null");

    private static readonly Gen<string> JsonDocumentText = Gen.Select(Whitespace, ValueOfDepth(4), Whitespace, (before, value, after) => before + value + after);

    // Pieces of near-JSON: structure, broken escapes and numbers, truncated literals, control characters, comments, quotes.
    private static readonly string[] GarbagePieces =
    {
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00e9", "\\u12", "\\uZZZZ", "\\x", "\\'", "1", "-0", "01", "-01", "1.", "1e", "1e5", "1E+", ".5", "-", "+1", "0x1",
        "true", "tru", "null", "nul", "false", "fals", "NaN", "-Infinity", " ", "\n", "\t", "\r", "\f", "\u000b", "\u00a0", "\u2028", "\ufeff", "\u0000", "\u0001", "\u001f", "\u007f", "\"a\"",
        "'a'", "/", "//", "/*", "*/", "é", "😀", "\"\\\"", "\"\\u", "\"k\":", "1 2", "e", "E", "0", "-0.0e-0",
    };

    private static readonly Gen<string> Garbage = Gen.OneOf(
        Gen.Int[0, GarbagePieces.Length - 1].Array[1, 12].Select(indexes => string.Concat(indexes.Select(i => GarbagePieces[i]))),
        Gen.Select(Gen.Char['\0', '\u00ff'], Gen.Char['\0', '\u00ff'], (escaped, space) => "[\"a\\" + escaped + "b\"," + space + "1]"),
        Gen.Select(JsonDocumentText, Gen.Int[0, 10_000], Gen.Int[0, 4], Gen.Int[0, GarbagePieces.Length - 1], Mutate))
        .Where(json => Utf16JsonWriterTests.IsValidUtf16(json) && !HasEscapedLoneSurrogate(json));

    private static readonly Gen<int> MaxDepth = Gen.OneOf(Gen.Int[1, 5], Gen.Const(64), Gen.Const(256));

    [Fact]
    public void Valid_json_gives_the_same_tokens_as_Utf8JsonReader()
    {
        var tokens = 0;
        Gen.Select(JsonDocumentText, MaxDepth).Sample((json, maxDepth) =>
        {
            var expected = ReadAll(Utf8Reader(json, maxDepth), IsAscii(json));
            var actual = ReadAll(new Utf16JsonReader(json, maxDepth), IsAscii(json));
            Assert.Equal(expected, actual);
            AssertOnlyJsonExceptions(actual);
            Interlocked.Add(ref tokens, actual.Count);
        }, iter: 3000, print: t => Utf16JsonWriterTests.Show(t.Item1) + " max depth " + t.Item2);

        Assert.True(tokens > 20_000, $"only {tokens} tokens were compared");
    }

    [Fact]
    public void Valid_json_within_the_default_depth_is_read_to_the_end()
    {
        JsonDocumentText.Sample(json =>
        {
            var steps = ReadAll(new Utf16JsonReader(json), IsAscii(json));
            Assert.Equal("end", steps[^1]);
        }, iter: 500, print: Utf16JsonWriterTests.Show);
    }

    [Fact]
    public void Near_json_garbage_is_rejected_or_accepted_exactly_like_Utf8JsonReader()
    {
        var rejected = 0;
        Gen.Select(Garbage, MaxDepth).Sample((json, maxDepth) =>
        {
            var expected = ReadAll(Utf8Reader(json, maxDepth), IsAscii(json));
            var actual = ReadAll(new Utf16JsonReader(json, maxDepth), IsAscii(json));
            Assert.Equal(expected, actual);
            AssertOnlyJsonExceptions(actual);
            if (actual[^1] != "end")
            {
                Interlocked.Increment(ref rejected);
            }
        }, iter: 5000, print: t => Utf16JsonWriterTests.Show(t.Item1) + " max depth " + t.Item2);

        Assert.True(rejected > 2000, $"only {rejected} texts were rejected");
    }

    [Fact]
    public void Long_escaped_strings_and_names_give_the_same_tokens_as_Utf8JsonReader()
    {
        // Past 256 characters GetString and ValueTextEquals unescape into a rented buffer; dates and
        // GUIDs give up on raw text longer than six characters per unescaped one.
        var longString = Gen.OneOf(
            StringPiece.Array[40, 160].Select(pieces => "\"" + string.Concat(pieces) + "\""),
            Gen.Select(Gen.Int[200, 300], UnicodeEscape, (count, escape) => "\"" + string.Concat(Enumerable.Repeat(escape, count)) + "\""),
            Gen.Int[30, 60].Select(count => "\"" + string.Concat(Enumerable.Repeat("\\u0030", count)) + "\""));
        Gen.Select(longString, longString).Sample((first, second) =>
        {
            var json = "[" + first + ",{" + first + ":" + second + "," + second + ":[" + second + "]}]";
            Assert.Equal(ReadAll(Utf8Reader(json, 64), IsAscii(json)), ReadAll(new Utf16JsonReader(json), IsAscii(json)));
        }, iter: 300, print: t => Utf16JsonWriterTests.Show(t.Item1) + " " + Utf16JsonWriterTests.Show(t.Item2));
    }

    [Theory]
    [InlineData(255, true)]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Nesting_is_limited_to_the_max_depth_like_Utf8JsonReader(int depth, bool accepted)
    {
        foreach (var (open, close) in new[] { ("[", "]"), ("{\"a\":", "}") })
        {
            var json = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
            var expected = ReadAll(Utf8Reader(json, 256), ascii: true);
            var actual = ReadAll(new Utf16JsonReader(json), ascii: true);

            Assert.Equal(expected, actual);
            Assert.Equal(accepted, actual[^1] == "end");
        }
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1.8E+308")]
    [InlineData("3.5E+38")]
    public void Numbers_beyond_the_range_of_double_or_float_read_as_infinities_as_in_Utf8JsonReader(string number)
    {
        // Both readers answer an infinity; generated codecs refuse it (HostileInputTests), since no JSON writer can write it back.
        var utf8 = Utf8Reader(number, 64);
        utf8.Read();
        var reader = new Utf16JsonReader(number);
        reader.Read();

        Assert.True(utf8.TryGetSingle(out var f8) && float.IsInfinity(f8));
        Assert.True(reader.TryGetSingle(out var f16));
        Assert.Equal(f8, f16);
        Assert.True(utf8.TryGetDouble(out var d8));
        Assert.True(reader.TryGetDouble(out var d16));
        Assert.Equal(d8, d16);
    }

    [Theory]
    [InlineData("6620868.183446762793357231402450")]
    [InlineData("0.123456789012345678901234567850")]
    [InlineData("1.00000000000000000000000000005")]
    [InlineData("2.50000000000000000000000000005")]
    [InlineData("12345678901234567890123456789.5")]
    [InlineData("-7.9228162514264337593543950335")]
    [InlineData("79228162514264337593543950335.5")]
    [InlineData("0.000000000000000000000000000050")]
    [InlineData("1234567890123456789012345678901234567890e-20")]
    public void Decimals_with_more_digits_than_a_decimal_holds_round_like_Utf8JsonReader(string number)
    {
        var utf8 = Utf8Reader(number, 64);
        utf8.Read();
        var reader = new Utf16JsonReader(number);
        reader.Read();

        var expected = new StringBuilder();
        Add(expected, "decimal", utf8.TryGetDecimal(out var m8), m8);
        var actual = new StringBuilder();
        Add(actual, "decimal", reader.TryGetDecimal(out var m16), m16);

        Assert.Equal(expected.ToString(), actual.ToString());
    }

    [Fact]
    public void Dates_parse_like_Utf8JsonReader_with_the_same_kind_and_offset()
    {
        var dates = 0;
        var offsets = 0;
        DateContent.Sample(content =>
        {
            var json = "\"" + content + "\"";
            var utf8 = Utf8Reader(json, 64);
            Assert.True(utf8.Read());
            var utf16 = new Utf16JsonReader(json);
            Assert.True(utf16.Read());

            var expectedDate = DescribeDate(utf8.TryGetDateTime(out var d8), d8);
            var expectedOffset = DescribeDate(utf8.TryGetDateTimeOffset(out var o8), o8);
            Assert.Equal(expectedDate, DescribeDate(utf16.TryGetDateTime(out var d16), d16));
            Assert.Equal(expectedOffset, DescribeDate(utf16.TryGetDateTimeOffset(out var o16), o16));
            if (expectedDate != "no")
            {
                Interlocked.Increment(ref dates);
            }

            if (expectedOffset != "no")
            {
                Interlocked.Increment(ref offsets);
            }
        }, iter: 6000, print: Utf16JsonWriterTests.Show);

        Assert.True(dates > 1000 && offsets > 1000, $"only {dates} dates and {offsets} offsets parsed");
    }

    [Theory]
    [InlineData("2024-01-01\\\"x")]
    [InlineData("2024-01-01T00:00:00Z\\\"")]
    [InlineData("2024-01-01T00:00:00\\\\")]
    [InlineData("2024-01-01T00:00:00\\u0000")]
    [InlineData("2024-01-01\\u0022")]
    [InlineData("\\u0032024-01-01T00:00:00\\n")]
    public void Escaped_quotes_backslashes_and_control_characters_make_a_date_invalid_instead_of_cutting_it_short(string content)
    {
        var json = "\"" + content + "\"";
        var utf8 = Utf8Reader(json, 64);
        Assert.True(utf8.Read());
        var utf16 = new Utf16JsonReader(json);
        Assert.True(utf16.Read());

        Assert.False(utf8.TryGetDateTime(out _));
        Assert.False(utf8.TryGetDateTimeOffset(out _));
        Assert.False(utf16.TryGetDateTime(out _));
        Assert.False(utf16.TryGetDateTimeOffset(out _));
    }

    [Fact]
    public void Guids_parse_like_Utf8JsonReader()
    {
        Gen.Select(Gen.Guid, Gen.Int[0, 9], Gen.Int[0, 34], Gen.Bool, (guid, mode, at, escape) =>
        {
            var text = guid.ToString("D", CultureInfo.InvariantCulture);
            text = mode switch
            {
                0 => text.ToUpperInvariant(),
                1 => text.Remove(at, 1).Insert(at, "+"),
                2 => text.Substring(0, at) + "0x" + text.Substring(at + 2 > text.Length ? text.Length : at + 2),
                3 => "0x" + text.Substring(2),
                4 => text.Remove(at, 1).Insert(at, "g"),
                5 => " " + text.Substring(1),
                6 => text.Substring(0, at) + text.Substring(at + 1),
                7 => guid.ToString("N", CultureInfo.InvariantCulture),
                8 => text.Replace('-', '+'),
                _ => text,
            };
            return escape ? string.Concat(text.Select(c => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture))) : text;
        }).Sample(content =>
        {
            var json = "\"" + content + "\"";
            var utf8 = Utf8Reader(json, 64);
            Assert.True(utf8.Read());
            var utf16 = new Utf16JsonReader(json);
            Assert.True(utf16.Read());

            var expected = utf8.TryGetGuid(out var g8) ? g8.ToString() : "no";
            Assert.Equal(expected, utf16.TryGetGuid(out var g16) ? g16.ToString() : "no");
        }, iter: 3000, print: Utf16JsonWriterTests.Show);
    }

    [Theory]
    [InlineData("\"a\u0001b\"", 2, "Control character U+0001 must be escaped inside a string.")]
    [InlineData("[\"tab\there\"]", 5, "Control character U+0009 must be escaped inside a string.")]
    [InlineData("\"a\\qb\"", 2, "'\\q' is not a valid escape in a JSON string.")]
    [InlineData("\"\\u12G4\"", 1, "Expected four hexadecimal digits after '\\u'.")]
    [InlineData("\"\\u12\"", 1, "Expected four hexadecimal digits after '\\u'.")]
    [InlineData("\"abc", 4, "The JSON ended inside a string.")]
    [InlineData("01", 1, "A number cannot have a leading zero.")]
    [InlineData("[-012]", 3, "A number cannot have a leading zero.")]
    [InlineData("[1.]", 3, "Expected a digit in the number.")]
    [InlineData("1e+", 3, "Expected a digit in the number.")]
    [InlineData("-", 1, "Expected a digit in the number.")]
    [InlineData("[1x]", 2, "'x' is invalid at the end of a number. Expected a delimiter.")]
    [InlineData("0x1", 1, "'x' is invalid at the end of a number. Expected a delimiter.")]
    [InlineData("{\"a\":-0.5e3true}", 11, "'t' is invalid at the end of a number. Expected a delimiter.")]
    [InlineData("[0", 2, "The JSON ended in the middle of a value.")]
    [InlineData(".5", 0, "'.' is an invalid start of a value.")]
    [InlineData("{\"a\":1,}", 7, "Expected a property name in double quotes, found '}'.")]
    [InlineData("[1,2,]", 5, "']' is an invalid start of a value.")]
    [InlineData("{\"a\" 1}", 5, "Expected ':' after a property name.")]
    [InlineData("{\"a\"", 4, "Expected ':' after a property name.")]
    [InlineData("{'a':1}", 1, "Expected a property name in double quotes, found '''.")]
    [InlineData("['a']", 1, "''' is an invalid start of a value.")]
    [InlineData("{\"a\":1 \"b\":2}", 7, "Expected ',' or '}' after a property value, found '\"'.")]
    [InlineData("[1 2]", 3, "Expected ',' or ']' after an array item, found '2'.")]
    [InlineData("[1}", 2, "Expected ',' or ']' after an array item, found '}'.")]
    [InlineData("{} x", 3, "'x' is invalid after a single JSON value. Expected end of data.")]
    [InlineData("1 2", 2, "'2' is invalid after a single JSON value. Expected end of data.")]
    [InlineData("tru", 0, "Expected 'true'.")]
    [InlineData("[nul]", 1, "Expected 'null'.")]
    [InlineData("[1,", 3, "The JSON ended in the middle of a value.")]
    [InlineData("{\"a\":", 5, "The JSON ended in the middle of a value.")]
    [InlineData("", 0, "The JSON text is empty.")]
    [InlineData("  \n ", 4, "The JSON text is empty.")]
    [InlineData("// comment\n1", 0, "'/' is an invalid start of a value.")]
    public void Malformed_json_is_a_JsonException_naming_the_problem_and_its_character_position(string json, int position, string problem)
    {
        var error = Assert.Throws<JsonException>(() => ReadToEnd(json, JsonCodecs.MaxDepth));

        Assert.Equal(problem + " (at character " + position.ToString(CultureInfo.InvariantCulture) + ")", error.Message);
        Assert.Equal(position, error.BytePositionInLine);
        Assert.ThrowsAny<JsonException>(() => ReadToEndUtf8(json));
    }

    [Fact]
    public void Nesting_deeper_than_the_default_max_depth_is_a_JsonException_at_the_opening_bracket()
    {
        var json = new string('[', 257) + new string(']', 257);

        var error = Assert.Throws<JsonException>(() => ReadToEnd(json, JsonCodecs.MaxDepth));

        Assert.Equal("The maximum depth of 256 nested objects and arrays is exceeded. (at character 256)", error.Message);
        Assert.Equal(256, error.BytePositionInLine);
        ReadToEnd(json.Substring(1, json.Length - 2), JsonCodecs.MaxDepth);
    }

    [Fact]
    public void Reading_text_or_numbers_from_the_wrong_token_is_an_InvalidOperationException()
    {
        var reader = new Utf16JsonReader("[12,\"a\",true]");
        reader.Read();
        reader.Read();
        Assert.Equal(JsonTokenType.Number, reader.TokenType);
        AssertInvalidOperation(reader, r => r.GetString());
        AssertInvalidOperation(reader, r => r.ValueTextEquals("12"));
        AssertInvalidOperation(reader, r => r.TryGetGuid(out _));
        AssertInvalidOperation(reader, r => r.TryGetDateTime(out _));
        AssertInvalidOperation(reader, r => r.TryGetDateTimeOffset(out _));
        reader.Read();
        Assert.Equal(JsonTokenType.String, reader.TokenType);
        AssertInvalidOperation(reader, r => r.TryGetInt32(out _));
        AssertInvalidOperation(reader, r => r.TryGetInt64(out _));
        AssertInvalidOperation(reader, r => r.TryGetDouble(out _));
        AssertInvalidOperation(reader, r => r.TryGetDecimal(out _));
        reader.Read();
        Assert.Equal(JsonTokenType.True, reader.TokenType);
        AssertInvalidOperation(reader, r => r.GetString());
        AssertInvalidOperation(reader, r => r.TryGetUInt64(out _));
    }

    [Fact]
    public void An_escaped_lone_surrogate_is_read_as_itself_where_Utf8JsonReader_refuses_it()
    {
        // The one deliberate difference from Utf8JsonReader, so that any .NET string round-trips.
        const string Json = "[\"a\\uD800b\",\"\\udfff\",\"\\uDBFF\\uDBFF\"]";
        var reader = new Utf16JsonReader(Json);
        reader.Read();
        reader.Read();
        Assert.Equal("a\uD800b", reader.GetString());
        Assert.True(reader.ValueTextEquals("a\uD800b"));
        reader.Read();
        Assert.Equal("\uDFFF", reader.GetString());
        reader.Read();
        Assert.Equal("\uDBFF\uDBFF", reader.GetString());

        var utf8 = Utf8Reader("\"a\\uD800b\"", 64);
        utf8.Read();
        var refused = false;
        try
        {
            utf8.GetString();
        }
        catch (InvalidOperationException)
        {
            refused = true;
        }

        Assert.True(refused, "Utf8JsonReader is expected to refuse the lone surrogate");

        foreach (var value in new[] { "a\uD800b", "\uDFFF", "\uDBFF\uDBFF", "x\uDE00\uD83D" })
        {
            var json = JsonCodecs.Serialize(value);
            Assert.Equal(value, JsonCodecs.Deserialize<string>(json));
        }

        Assert.Equal("\"a\\uD800b\"", JsonCodecs.Serialize("a\uD800b"));
    }

    private delegate void ReaderAction(Utf16JsonReader reader);

    private static void AssertInvalidOperation(Utf16JsonReader reader, ReaderAction action)
    {
        try
        {
            action(reader);
        }
        catch (InvalidOperationException)
        {
            return;
        }

        Assert.Fail("Expected an InvalidOperationException on a " + reader.TokenType + " token.");
    }

    // --- Reading ---

    private static Utf8JsonReader Utf8Reader(string json, int maxDepth) =>
        new(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = maxDepth });

    private static void ReadToEnd(string json, int maxDepth)
    {
        var reader = new Utf16JsonReader(json, maxDepth);
        while (reader.Read())
        {
        }
    }

    private static void ReadToEndUtf8(string json)
    {
        var reader = Utf8Reader(json, JsonCodecs.MaxDepth);
        while (reader.Read())
        {
        }
    }

    // Every step of reading to the end: each token described in full, what Skip lands on from each
    // property name and container start, and how reading ends ("end", or the exception type).
    private static List<string> ReadAll(Utf8JsonReader reader, bool ascii)
    {
        var steps = new List<string>();
        try
        {
            while (reader.Read())
            {
                steps.Add(Describe(ref reader, ascii));
                if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var copy = reader;
                    try
                    {
                        copy.Skip();
                        steps.Add("skip to " + Describe(ref copy, ascii) + " then " + (copy.Read() ? Describe(ref copy, ascii) : "end"));
                    }
                    catch (Exception e)
                    {
                        steps.Add("skip failed with " + Name(e));
                    }
                }
            }

            steps.Add("end");
        }
        catch (Exception e)
        {
            steps.Add("failed with " + Name(e));
        }

        return steps;
    }

    private static List<string> ReadAll(Utf16JsonReader reader, bool ascii)
    {
        var steps = new List<string>();
        try
        {
            while (reader.Read())
            {
                steps.Add(Describe(ref reader, ascii));
                if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var copy = reader;
                    try
                    {
                        copy.Skip();
                        steps.Add("skip to " + Describe(ref copy, ascii) + " then " + (copy.Read() ? Describe(ref copy, ascii) : "end"));
                    }
                    catch (Exception e)
                    {
                        steps.Add("skip failed with " + Name(e));
                    }
                }
            }

            steps.Add("end");
        }
        catch (Exception e)
        {
            steps.Add("failed with " + Name(e));
        }

        return steps;
    }

    private static string Describe(ref Utf8JsonReader reader, bool ascii)
    {
        var builder = new StringBuilder();
        builder.Append(reader.TokenType).Append(" depth ").Append(reader.CurrentDepth);
        if (ascii)
        {
            builder.Append(" at ").Append(reader.TokenStartIndex);
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName or JsonTokenType.String:
                var text = reader.GetString()!;
                builder.Append(" escaped ").Append(reader.ValueIsEscaped)
                    .Append(" raw ").Append(Utf16JsonWriterTests.Show(Encoding.UTF8.GetString(reader.ValueSpan)))
                    .Append(" text ").Append(Utf16JsonWriterTests.Show(text))
                    .Append(" equals ").Append(reader.ValueTextEquals(text)).Append(reader.ValueTextEquals(text + "x")).Append(reader.ValueTextEquals("x" + text)).Append(reader.ValueTextEquals(""));
                if (reader.TokenType == JsonTokenType.String)
                {
                    Add(builder, "guid", reader.TryGetGuid(out var guid), guid);
                    Add(builder, "date", reader.TryGetDateTime(out var date), date);
                    Add(builder, "offset", reader.TryGetDateTimeOffset(out var offset), offset);
                }

                break;
            case JsonTokenType.Number:
                builder.Append(" raw ").Append(Encoding.UTF8.GetString(reader.ValueSpan));
                Add(builder, "byte", reader.TryGetByte(out var b), b);
                Add(builder, "sbyte", reader.TryGetSByte(out var sb), sb);
                Add(builder, "short", reader.TryGetInt16(out var s), s);
                Add(builder, "ushort", reader.TryGetUInt16(out var us), us);
                Add(builder, "int", reader.TryGetInt32(out var i), i);
                Add(builder, "uint", reader.TryGetUInt32(out var ui), ui);
                Add(builder, "long", reader.TryGetInt64(out var l), l);
                Add(builder, "ulong", reader.TryGetUInt64(out var ul), ul);
                Add(builder, "float", reader.TryGetSingle(out var f), f);
                Add(builder, "double", reader.TryGetDouble(out var d), d);
                Add(builder, "decimal", reader.TryGetDecimal(out var m), m);
                break;
        }

        return builder.ToString();
    }

    private static string Describe(ref Utf16JsonReader reader, bool ascii)
    {
        var builder = new StringBuilder();
        builder.Append(reader.TokenType).Append(" depth ").Append(reader.CurrentDepth);
        if (ascii)
        {
            builder.Append(" at ").Append(reader.TokenStartIndex);
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName or JsonTokenType.String:
                var text = reader.GetString()!;
                builder.Append(" escaped ").Append(reader.ValueIsEscaped)
                    .Append(" raw ").Append(Utf16JsonWriterTests.Show(new string(reader.ValueSpan)))
                    .Append(" text ").Append(Utf16JsonWriterTests.Show(text))
                    .Append(" equals ").Append(reader.ValueTextEquals(text)).Append(reader.ValueTextEquals(text + "x")).Append(reader.ValueTextEquals("x" + text)).Append(reader.ValueTextEquals(""));
                if (reader.TokenType == JsonTokenType.String)
                {
                    Add(builder, "guid", reader.TryGetGuid(out var guid), guid);
                    Add(builder, "date", reader.TryGetDateTime(out var date), date);
                    Add(builder, "offset", reader.TryGetDateTimeOffset(out var offset), offset);
                }

                break;
            case JsonTokenType.Number:
                builder.Append(" raw ").Append(reader.ValueSpan);
                Add(builder, "byte", reader.TryGetByte(out var b), b);
                Add(builder, "sbyte", reader.TryGetSByte(out var sb), sb);
                Add(builder, "short", reader.TryGetInt16(out var s), s);
                Add(builder, "ushort", reader.TryGetUInt16(out var us), us);
                Add(builder, "int", reader.TryGetInt32(out var i), i);
                Add(builder, "uint", reader.TryGetUInt32(out var ui), ui);
                Add(builder, "long", reader.TryGetInt64(out var l), l);
                Add(builder, "ulong", reader.TryGetUInt64(out var ul), ul);
                Add(builder, "float", reader.TryGetSingle(out var f), f);
                Add(builder, "double", reader.TryGetDouble(out var d), d);
                Add(builder, "decimal", reader.TryGetDecimal(out var m), m);
                break;
        }

        return builder.ToString();
    }

    // A value exactly: doubles and floats by their bits, decimals by their bits (scale and sign included), dates with kind and offset.
    // Utf8JsonReader reads a number beyond the range of double or float as an infinity; Utf16JsonReader
    // answers only finite values (see the test above), so an infinity counts as no answer.
    private static void Add(StringBuilder builder, string name, bool ok, object value)
    {
        builder.Append(' ').Append(name).Append(' ');
        if (!ok || value is double and not (>= double.MinValue and <= double.MaxValue) || value is float and not (>= float.MinValue and <= float.MaxValue))
        {
            builder.Append("no");
            return;
        }

        builder.Append(value switch
        {
            double d => BitConverter.DoubleToInt64Bits(d).ToString("X16", CultureInfo.InvariantCulture),
            float f => BitConverter.SingleToInt32Bits(f).ToString("X8", CultureInfo.InvariantCulture),
            decimal m => string.Join(",", decimal.GetBits(m)),
            DateTime t => DescribeDate(true, t),
            DateTimeOffset t => DescribeDate(true, t),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        });
    }

    private static string DescribeDate(bool ok, DateTime value) =>
        ok ? value.Ticks.ToString(CultureInfo.InvariantCulture) + " " + value.Kind : "no";

    private static string DescribeDate(bool ok, DateTimeOffset value) =>
        ok ? value.Ticks.ToString(CultureInfo.InvariantCulture) + " " + value.Offset.ToString() : "no";

    // Utf8JsonReader throws JsonReaderException, an internal subclass: both count as JsonException.
    private static string Name(Exception e) => e is JsonException ? "JsonException" : e.GetType().Name + ": " + e.Message;

    private static void AssertOnlyJsonExceptions(List<string> steps)
    {
        foreach (var step in steps)
        {
            Assert.True(!step.Contains("failed with", StringComparison.Ordinal) || step.EndsWith("failed with JsonException", StringComparison.Ordinal), step);
        }
    }

    private static bool IsAscii(string text) => text.All(c => c < 0x80);

    // --- Generators ---

    private static Gen<string> ValueOfDepth(int depth)
    {
        if (depth == 0)
        {
            return Gen.OneOf(JsonString, JsonNumber, JsonNumber, JsonLiteral);
        }

        var inner = ValueOfDepth(depth - 1);
        var array = Gen.Select(Whitespace, Gen.Select(Whitespace, inner, Whitespace, (a, value, b) => a + value + b).Array[0, 4],
            (inside, items) => "[" + (items.Length == 0 ? inside : string.Join(",", items)) + "]");
        var obj = Gen.Select(Whitespace, Gen.Select(Whitespace, JsonString, Whitespace, Whitespace, inner, Whitespace, (a, name, b, c, value, d) => a + name + b + ":" + c + value + d).Array[0, 4],
            (inside, members) => "{" + (members.Length == 0 ? inside : string.Join(",", members)) + "}");
        return Gen.OneOf(JsonString, JsonNumber, JsonLiteral, array, array, obj, obj);
    }

    // Valid JSON with one character deleted, a piece inserted or put in place of a character, or the end cut off.
    private static string Mutate(string json, int at, int operation, int piece)
    {
        at %= json.Length + 1;
        var text = GarbagePieces[piece];
        return operation switch
        {
            0 => at < json.Length ? json.Remove(at, 1) : json,
            1 => json.Insert(at, text),
            2 => at < json.Length ? json.Remove(at, 1).Insert(at, text) : json + text,
            3 => json.Substring(0, at),
            _ => json.Insert(at, text).Insert(0, text.Length > 1 ? text.Substring(0, 1) : ""),
        };
    }

    // An escaped lone surrogate is the deliberate difference (Utf8JsonReader's GetString refuses it), so
    // the differential tests leave such text out. Errs on the side of leaving out.
    private static bool HasEscapedLoneSurrogate(string json)
    {
        var previousWasHigh = false;
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == '\\' && i + 1 < json.Length && json[i + 1] == '\\')
            {
                if (previousWasHigh)
                {
                    return true;
                }

                i++;
                continue;
            }

            if (json[i] == '\\' && i + 5 < json.Length && json[i + 1] == 'u'
                && int.TryParse(json.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                if (previousWasHigh != char.IsLowSurrogate((char)code))
                {
                    return true;
                }

                previousWasHigh = char.IsHighSurrogate((char)code);
                i += 5;
                continue;
            }

            if (previousWasHigh)
            {
                return true;
            }
        }

        return previousWasHigh;
    }

    private static Gen<string> Two(int min, int max) => Gen.Int[min, max].Select(i => i.ToString("D2", CultureInfo.InvariantCulture));

    private static readonly Gen<string> Year = Gen.OneOf(
        Gen.OneOf("0000", "0001", "1999", "2000", "2023", "2024", "2100", "1900", "9999"),
        Gen.Int[1, 9999].Select(y => y.ToString("D4", CultureInfo.InvariantCulture)),
        Gen.OneOf("24", "20245", "+2024", "-2024", "2O24"));

    private static readonly Gen<string> Month = Gen.OneOf(Two(0, 13), Two(1, 12), Gen.OneOf("02", "02", "2"));

    private static readonly Gen<string> Day = Gen.OneOf(Two(0, 32), Two(1, 28), Gen.OneOf("28", "29", "29", "30", "31", "1"));

    private static readonly Gen<string> Time = Gen.Select(
        Gen.OneOf(Two(0, 25), Two(0, 23), Gen.OneOf("24", "23", "00")),
        Gen.OneOf(Two(0, 61), Two(0, 59), Gen.OneOf("60", "59")),
        Gen.OneOf(Two(0, 61), Two(0, 59), Gen.OneOf("60", "59")),
        Gen.OneOf(Gen.Const(""), Gen.Const(""), Digits(0, 9).Select(d => "." + d), Digits(10, 20).Select(d => "." + d), Gen.Const(".")),
        Gen.Int[0, 5],
        (hour, minute, second, fraction, shape) => shape switch
        {
            0 => hour,
            1 => hour + ":" + minute,
            2 => hour + ":" + minute + ":" + second + fraction,
            _ => hour + ":" + minute + ":" + second + fraction,
        });

    private static readonly Gen<string> Offset = Gen.OneOf(
        Gen.OneOf("", "", "Z", "Z", "z", "+00:00", "-00:00", "+14:00", "-14:00", "+14:01", "+15:00", "+05:30", "-09:30", "+0530", "+05", "+5:30", "+05:3", "UTC", " Z", "Z "),
        Gen.Select(Gen.OneOf("+", "-"), Two(0, 15), Two(0, 61), (sign, hours, minutes) => sign + hours + ":" + minutes));

    // The text of a date string: ISO shapes valid and not, some with their characters escaped or broken by escapes.
    private static readonly Gen<string> DateContent = Gen.OneOf(
        Gen.Select(Year, Month, Day, Gen.OneOf("T", "T", "T", "t", " ", "_"), Time, Offset, Gen.Int[0, 6],
            (year, month, day, separator, time, offset, shape) => shape switch
            {
                0 => year + "-" + month + "-" + day,
                1 => year + "-" + month + "-" + day + offset,
                _ => year + "-" + month + "-" + day + separator + time + offset,
            }),
        Utf16JsonWriterTests.AnyDateTime.Select(d => d.ToString("O", CultureInfo.InvariantCulture)),
        Utf16JsonWriterTests.AnyDateTimeOffset.Select(d => d.ToString("O", CultureInfo.InvariantCulture)),
        Gen.Select(Utf16JsonWriterTests.AnyDateTime, Utf16JsonWriterTests.AnyDateTimeOffset, Gen.Bool, (date, offset, which) =>
        {
            var json = which ? Utf16JsonWriterTests.WriteUtf8(new Utf16JsonWriterTests.Scalar(date)) : Utf16JsonWriterTests.WriteUtf8(new Utf16JsonWriterTests.Scalar(offset));
            return json.Substring(1, json.Length - 2);
        }))
        .SelectMany(content => Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3].Array[content.Length, content.Length], Gen.Int[0, content.Length], Gen.OneOf("\\\"", "\\\\", "\\u0000", "\\n", "\\/", "\\u0022", "\\u005C", "\\\\\"", "\\t", "\\u0041"),
            (mode, choices, at, escape) => mode switch
            {
                // Some characters written as \uXXXX (either case) or, for '/', as \/.
                1 => string.Concat(content.Select((c, i) => choices[i] == 0 ? "\\u" + ((int)c).ToString(i % 2 == 0 ? "X4" : "x4", CultureInfo.InvariantCulture) : c == '/' && choices[i] == 1 ? "\\/" : c.ToString())),
                2 => string.Concat(content.Select(c => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture))),
                3 => content.Insert(at, escape),
                4 => content + escape,
                _ => content,
            }));
}
