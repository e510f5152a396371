using System;
using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Amsha.Serialization;

/// <summary>
/// A forward-only, strict (RFC 8259) JSON reader over UTF-16 text, with the members of
/// <see cref="Utf8JsonReader"/> that codecs use. Generated codecs read through it so that
/// deserializing a <see cref="string"/> needs no transcoding, and strings without escapes are
/// copied straight out of the input.
/// </summary>
/// <remarks>
/// Malformed JSON, a depth beyond the limit, or text after the value raise a
/// <see cref="JsonException"/> naming the problem and its character position.
/// </remarks>
public ref struct Utf16JsonReader
{
    private const int DepthsInWord = 64;

    // Characters that end the plain run of a string: the closing quote, an escape, or a control character.
    private static readonly SearchValues<char> s_stringStops = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly ReadOnlySpan<char> _text;
    private readonly int _maxDepth;
    private int _position;
    private int _tokenStart;
    private int _valueStart;
    private int _valueLength;
    private int _depth;

    // One bit per open container, set for objects; containers deeper than 64 spill into _deepObjects.
    private ulong _objects;
    private bool[]? _deepObjects;

    /// <summary>Creates a reader over <paramref name="text"/>, which must hold exactly one JSON value.</summary>
    /// <param name="text">The JSON text.</param>
    /// <param name="maxDepth">The deepest nesting accepted.</param>
    public Utf16JsonReader(ReadOnlySpan<char> text, int maxDepth = JsonCodecs.MaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        _text = text;
        _maxDepth = maxDepth;
        TokenType = JsonTokenType.None;
    }

    /// <summary>The type of the current token.</summary>
    public JsonTokenType TokenType { get; private set; }

    /// <summary>Whether the current string or property name contains escapes.</summary>
    public bool ValueIsEscaped { get; private set; }

    /// <summary>The index in the text where the current token starts.</summary>
    public readonly int TokenStartIndex => _tokenStart;

    /// <summary>The depth of the current token, as <see cref="Utf8JsonReader.CurrentDepth"/> counts it.</summary>
    public readonly int CurrentDepth => TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray ? _depth - 1 : _depth;

    /// <summary>The raw text of the current string (without quotes, escapes not undone), property name or number.</summary>
    public readonly ReadOnlySpan<char> ValueSpan => _text.Slice(_valueStart, _valueLength);

    private readonly bool InObject => _depth > 0 && IsObjectAt(_depth - 1);

    /// <summary>Moves to the next token.</summary>
    /// <returns><see langword="false"/> at the end of the text, after one complete value.</returns>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public bool Read()
    {
        var text = _text;
        var at = SkipWhitespace(text, _position);
        if ((uint)at >= (uint)text.Length)
        {
            _position = at;
            if (_depth == 0 && TokenType != JsonTokenType.None)
            {
                return false;
            }

            throw TokenType == JsonTokenType.None ? Errors.Empty(at) : Errors.EndedInValue(at);
        }

        var c = text[at];
        switch (TokenType)
        {
            case JsonTokenType.None:
            case JsonTokenType.PropertyName:
                ReadValue(text, at, c);
                return true;
            case JsonTokenType.StartObject:
                if (c == '}')
                {
                    EndContainer(at, JsonTokenType.EndObject);
                }
                else
                {
                    ReadPropertyName(text, at, c);
                }

                return true;
            case JsonTokenType.StartArray:
                if (c == ']')
                {
                    EndContainer(at, JsonTokenType.EndArray);
                }
                else
                {
                    ReadValue(text, at, c);
                }

                return true;
        }

        // After a complete value: a separator, the end of the container, or (at the top) nothing.
        if (_depth == 0)
        {
            throw Errors.AfterValue(at, c);
        }

        var inObject = InObject;
        if (c == ',')
        {
            at = SkipWhitespace(text, at + 1);
            if ((uint)at >= (uint)text.Length)
            {
                throw Errors.EndedInValue(at);
            }

            c = text[at];
            if (inObject)
            {
                ReadPropertyName(text, at, c);
            }
            else
            {
                ReadValue(text, at, c);
            }
        }
        else if (c == (inObject ? '}' : ']'))
        {
            EndContainer(at, inObject ? JsonTokenType.EndObject : JsonTokenType.EndArray);
        }
        else
        {
            throw Errors.ExpectedSeparator(at, c, inObject);
        }

        return true;
    }

    /// <summary>Skips the children of the current token: a property's value, or a whole object or array.</summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public void Skip()
    {
        if (TokenType == JsonTokenType.PropertyName)
        {
            Read();
        }

        if (TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = _depth - 1;
            while (_depth > depth)
            {
                Read();
            }
        }
    }

    /// <summary>The current string or property name with its escapes undone; <see langword="null"/> for a JSON null.</summary>
    /// <exception cref="InvalidOperationException">The token is not a string, property name or null.</exception>
    public readonly string? GetString()
    {
        if (TokenType == JsonTokenType.Null)
        {
            return null;
        }

        RequireText();
        var raw = ValueSpan;
        if (!ValueIsEscaped)
        {
            return new string(raw);
        }

        char[]? rented = null;
        var buffer = raw.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        var length = Unescape(raw, buffer);
        var text = new string(buffer.Slice(0, length));
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return text;
    }

    /// <summary>Whether the current string or property name, escapes undone, equals <paramref name="text"/>.</summary>
    /// <exception cref="InvalidOperationException">The token is not a string or property name.</exception>
    public readonly bool ValueTextEquals(ReadOnlySpan<char> text)
    {
        RequireText();
        if (!ValueIsEscaped)
        {
            return ValueSpan.SequenceEqual(text);
        }

        // Unescaping never lengthens text, so a longer raw value may still match; a shorter one cannot.
        if (_valueLength < text.Length)
        {
            return false;
        }

        char[]? rented = null;
        var buffer = _valueLength <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(_valueLength));
        var equal = buffer.Slice(0, Unescape(ValueSpan, buffer)).SequenceEqual(text);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return equal;
    }

    /// <summary>Reads the number as a <see cref="byte"/> if it is an integer in range.</summary>
    public readonly bool TryGetByte(out byte value) => byte.TryParse(NumberSpan(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as an <see cref="sbyte"/> if it is an integer in range.</summary>
    public readonly bool TryGetSByte(out sbyte value) => sbyte.TryParse(NumberSpan(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as a <see cref="short"/> if it is an integer in range.</summary>
    public readonly bool TryGetInt16(out short value) => short.TryParse(NumberSpan(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as a <see cref="ushort"/> if it is an integer in range.</summary>
    public readonly bool TryGetUInt16(out ushort value) => ushort.TryParse(NumberSpan(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as an <see cref="int"/> if it is an integer in range.</summary>
    public readonly bool TryGetInt32(out int value)
    {
        if (FastNumbers.TryParseSmallInteger(NumberSpan(), out var small))
        {
            value = (int)small;
            return true;
        }

        return int.TryParse(ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Reads the number as a <see cref="uint"/> if it is an integer in range.</summary>
    public readonly bool TryGetUInt32(out uint value) => uint.TryParse(NumberSpan(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as a <see cref="long"/> if it is an integer in range.</summary>
    public readonly bool TryGetInt64(out long value) =>
        FastNumbers.TryParseSmallInteger(NumberSpan(), out value)
        || long.TryParse(ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as a <see cref="ulong"/> if it is an integer in range.</summary>
    public readonly bool TryGetUInt64(out ulong value) => ulong.TryParse(NumberSpan(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as a <see cref="double"/>; beyond its range, as an infinity (as <see cref="Utf8JsonReader"/> does).</summary>
    public readonly bool TryGetDouble(out double value) =>
        FastNumbers.TryParseShortDecimal(NumberSpan(), out value)
        || double.TryParse(ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as a <see cref="float"/>; beyond its range, as an infinity (as <see cref="Utf8JsonReader"/> does).</summary>
    public readonly bool TryGetSingle(out float value) =>
        float.TryParse(NumberSpan(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads the number as a <see cref="decimal"/> if it is in range.</summary>
    public readonly bool TryGetDecimal(out decimal value)
    {
        // With Utf8Parser, as Utf8JsonReader does: beyond the 29 digits a decimal holds, decimal.Parse
        // rounds a tie to even where Utf8Parser rounds it up, so the two readers would disagree.
        var number = NumberSpan();
        byte[]? rented = null;
        var ascii = number.Length <= 128 ? stackalloc byte[128] : (rented = ArrayPool<byte>.Shared.Rent(number.Length));
        for (var i = 0; i < number.Length; i++)
        {
            ascii[i] = (byte)number[i]; // a number token is ASCII
        }

        var parsed = Utf8Parser.TryParse(ascii.Slice(0, number.Length), out value, out var consumed) && consumed == number.Length;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return parsed;
    }

    /// <summary>Reads the string as a GUID in its hyphenated form.</summary>
    public readonly bool TryGetGuid(out Guid value)
    {
        Span<char> buffer = stackalloc char[36];
        if (TextUpTo(buffer, out var text) && IsHyphenatedGuid(text))
        {
            return Guid.TryParseExact(text, "D", out value);
        }

        value = default;
        return false;
    }

    // Guid.TryParseExact("D") also takes "0x" and "+" inside the groups, which Utf8JsonReader refuses.
    private static bool IsHyphenatedGuid(ReadOnlySpan<char> text)
    {
        if (text.Length != 36)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (i is 8 or 13 or 18 or 23 ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the string as an ISO 8601 date and time, with the rules of <see cref="Utf8JsonReader.TryGetDateTime"/>.</summary>
    public readonly bool TryGetDateTime(out DateTime value) =>
        TokenType == JsonTokenType.String && !ValueIsEscaped && IsoDates.TryParseCommon(ValueSpan, out value)
        || TryGetDateTimeSlow(out value);

    /// <summary>Reads the string as an ISO 8601 date and time with offset, with the rules of <see cref="Utf8JsonReader.TryGetDateTimeOffset"/>.</summary>
    public readonly bool TryGetDateTimeOffset(out DateTimeOffset value) =>
        TokenType == JsonTokenType.String && !ValueIsEscaped && IsoDates.TryParseCommon(ValueSpan, out value)
        || TryGetDateTimeOffsetSlow(out value);

    /// <summary>The raw text of the current value: a scalar token, or a whole object or array (which it moves past).</summary>
    internal ReadOnlySpan<char> ReadRawValue()
    {
        var start = _tokenStart;
        if (TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            Skip();
            return _text.Slice(start, _position - start);
        }

        return TokenType == JsonTokenType.String ? _text.Slice(start, _valueLength + 2) : _text.Slice(start, _position - start);
    }

    // Shapes the fast path does not know go to Utf8JsonReader itself, so both readers agree.
    private readonly bool TryGetDateTimeSlow(out DateTime value)
    {
        Span<char> buffer = stackalloc char[MaxDateLength];
        if (DateTextUpTo(buffer, out var text))
        {
            var reader = IsoDates.Utf8Reader(text, stackalloc byte[(3 * MaxDateLength) + 2]);
            return reader.TryGetDateTime(out value);
        }

        value = default;
        return false;
    }

    private readonly bool TryGetDateTimeOffsetSlow(out DateTimeOffset value)
    {
        Span<char> buffer = stackalloc char[MaxDateLength];
        if (DateTextUpTo(buffer, out var text))
        {
            var reader = IsoDates.Utf8Reader(text, stackalloc byte[(3 * MaxDateLength) + 2]);
            return reader.TryGetDateTimeOffset(out value);
        }

        value = default;
        return false;
    }

    // The longest date text Utf8JsonReader accepts.
    private const int MaxDateLength = 42;

    // The current string unescaped, if it fits in `buffer` and can be quoted as is for Utf8JsonReader:
    // an escaped quote, backslash or control character would end or break that JSON string (and is
    // never part of a date, so the answer is no). Unescaped text cannot hold one.
    private readonly bool DateTextUpTo(Span<char> buffer, out ReadOnlySpan<char> text) =>
        TextUpTo(buffer, out text) && (!ValueIsEscaped || !text.ContainsAny(s_stringStops));

    private readonly ReadOnlySpan<char> NumberSpan() => TokenType == JsonTokenType.Number
        ? ValueSpan
        : throw new InvalidOperationException($"Cannot read a number from a {TokenType} token.");

    private readonly void RequireText()
    {
        if (TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new InvalidOperationException($"Cannot read text from a {TokenType} token.");
        }
    }

    // The current string with escapes undone, if it fits in `buffer`.
    private readonly bool TextUpTo(Span<char> buffer, out ReadOnlySpan<char> text)
    {
        if (TokenType != JsonTokenType.String)
        {
            throw new InvalidOperationException($"Cannot read text from a {TokenType} token.");
        }

        if (!ValueIsEscaped)
        {
            text = ValueSpan;
            return text.Length <= buffer.Length;
        }

        // An escape takes at most six characters for one, so longer raw text cannot fit.
        if (_valueLength > 6 * buffer.Length)
        {
            text = default;
            return false;
        }

        var rented = ArrayPool<char>.Shared.Rent(_valueLength);
        var length = Unescape(ValueSpan, rented);
        var fits = length <= buffer.Length;
        if (fits)
        {
            rented.AsSpan(0, length).CopyTo(buffer);
        }

        ArrayPool<char>.Shared.Return(rented);
        text = fits ? buffer.Slice(0, length) : default;
        return fits;
    }

    private void ReadValue(ReadOnlySpan<char> text, int at, char c)
    {
        _tokenStart = at;
        switch (c)
        {
            case '{':
                OpenContainer(at, isObject: true);
                TokenType = JsonTokenType.StartObject;
                return;
            case '[':
                OpenContainer(at, isObject: false);
                TokenType = JsonTokenType.StartArray;
                return;
            case '"':
                ReadStringToken(text, at);
                TokenType = JsonTokenType.String;
                return;
            case 't':
                ReadLiteral(text, at, "true", JsonTokenType.True);
                return;
            case 'f':
                ReadLiteral(text, at, "false", JsonTokenType.False);
                return;
            case 'n':
                ReadLiteral(text, at, "null", JsonTokenType.Null);
                return;
        }

        if (c != '-' && !char.IsAsciiDigit(c))
        {
            throw Errors.InvalidStart(at, c);
        }

        ReadNumber(text, at);
    }

    private void ReadPropertyName(ReadOnlySpan<char> text, int at, char c)
    {
        if (c != '"')
        {
            throw Errors.ExpectedPropertyName(at, c);
        }

        _tokenStart = at;
        ReadStringToken(text, at);
        at = SkipWhitespace(text, _position);
        if ((uint)at >= (uint)text.Length || text[at] != ':')
        {
            throw Errors.ExpectedColon(at);
        }

        _position = at + 1;
        TokenType = JsonTokenType.PropertyName;
    }

    // Reads a quoted string from its opening quote; checks escapes now so that GetString cannot fail.
    private void ReadStringToken(ReadOnlySpan<char> text, int quote)
    {
        var start = quote + 1;
        var at = start;
        var escaped = false;
        while (true)
        {
            var stop = text.Slice(at).IndexOfAny(s_stringStops);
            if (stop < 0)
            {
                _position = text.Length;
                throw Errors.EndedInString(text.Length);
            }

            at += stop;
            var c = text[at];
            if (c == '"')
            {
                break;
            }

            if (c != '\\')
            {
                throw Errors.ControlCharacter(at, c);
            }

            escaped = true;
            at = CheckEscape(text, at);
        }

        _valueStart = start;
        _valueLength = at - start;
        ValueIsEscaped = escaped;
        _position = at + 1;
    }

    // Validates the escape at `at` (a backslash) and returns the index after it.
    private static int CheckEscape(ReadOnlySpan<char> text, int at)
    {
        if (at + 1 >= text.Length)
        {
            throw Errors.EndedInString(text.Length);
        }

        switch (text[at + 1])
        {
            case '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't':
                return at + 2;
            case 'u':
                if (at + 6 > text.Length || !IsHex(text.Slice(at + 2, 4)))
                {
                    throw Errors.BadUnicodeEscape(at);
                }

                return at + 6;
            default:
                throw Errors.BadEscape(at, text[at + 1]);
        }
    }

    private static bool IsHex(ReadOnlySpan<char> digits)
    {
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // Undoes the escapes of a validated raw string; the result is never longer than the input.
    private static int Unescape(ReadOnlySpan<char> raw, Span<char> destination)
    {
        var written = 0;
        while (true)
        {
            var slash = raw.IndexOf('\\');
            if (slash < 0)
            {
                raw.CopyTo(destination.Slice(written));
                return written + raw.Length;
            }

            raw.Slice(0, slash).CopyTo(destination.Slice(written));
            written += slash;
            var kind = raw[slash + 1];
            if (kind == 'u')
            {
                destination[written++] = (char)int.Parse(raw.Slice(slash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                raw = raw.Slice(slash + 6);
                continue;
            }

            destination[written++] = kind switch
            {
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                _ => kind, // '"', '\\' and '/' stand for themselves
            };
            raw = raw.Slice(slash + 2);
        }
    }

    private void ReadLiteral(ReadOnlySpan<char> text, int at, string literal, JsonTokenType type)
    {
        if (!text.Slice(at).StartsWith(literal, StringComparison.Ordinal))
        {
            throw Errors.ExpectedLiteral(at, literal);
        }

        _valueStart = at;
        _valueLength = literal.Length;
        _position = at + literal.Length;
        TokenType = type;
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private void ReadNumber(ReadOnlySpan<char> text, int start)
    {
        var at = start;
        if (text[at] == '-')
        {
            at++;
        }

        if (at < text.Length && text[at] == '0')
        {
            at++;
            if (at < text.Length && char.IsAsciiDigit(text[at]))
            {
                throw Errors.LeadingZero(at);
            }
        }
        else
        {
            at = Digits(text, at);
        }

        if (at < text.Length && text[at] == '.')
        {
            at = Digits(text, at + 1);
        }

        if (at < text.Length && (text[at] | 0x20) == 'e')
        {
            at++;
            if (at < text.Length && text[at] is '+' or '-')
            {
                at++;
            }

            at = Digits(text, at);
        }

        // Like Utf8JsonReader, a number must end at a delimiter: whitespace, ',', ']', '}', '/' (where a
        // comment would start; the next Read rejects it), or the end of the text when it is the whole value.
        if (at == text.Length)
        {
            if (_depth > 0)
            {
                throw Errors.EndedInValue(at);
            }
        }
        else if (text[at] is not (' ' or '\t' or '\n' or '\r' or ',' or ']' or '}' or '/'))
        {
            throw Errors.InvalidEndOfNumber(at, text[at]);
        }

        _valueStart = start;
        _valueLength = at - start;
        _position = at;
        TokenType = JsonTokenType.Number;
    }

    private static int Digits(ReadOnlySpan<char> text, int at)
    {
        var start = at;
        while (at < text.Length && char.IsAsciiDigit(text[at]))
        {
            at++;
        }

        return at > start ? at : throw Errors.ExpectedDigit(at);
    }

    private void OpenContainer(int at, bool isObject)
    {
        if (_depth >= _maxDepth)
        {
            throw Errors.TooDeep(at, _maxDepth);
        }

        if (_depth < DepthsInWord)
        {
            var bit = 1UL << _depth;
            _objects = isObject ? _objects | bit : _objects & ~bit;
        }
        else
        {
            _deepObjects ??= new bool[_maxDepth];
            _deepObjects[_depth] = isObject;
        }

        _depth++;
        _position = at + 1;
    }

    private void EndContainer(int at, JsonTokenType end)
    {
        _tokenStart = at;
        _depth--;
        _position = at + 1;
        TokenType = end;
    }

    private readonly bool IsObjectAt(int depth) => depth < DepthsInWord
        ? (_objects & (1UL << depth)) != 0
        : _deepObjects![depth];

    private static int SkipWhitespace(ReadOnlySpan<char> text, int at)
    {
        while ((uint)at < (uint)text.Length && text[at] <= ' ' && text[at] is ' ' or '\n' or '\r' or '\t')
        {
            at++;
        }

        return at;
    }

    // Message building lives here, out of the hot methods, so they stay small.
    private static class Errors
    {
        public static JsonException Empty(int at) => At(at, "The JSON text is empty.");

        public static JsonException EndedInValue(int at) => At(at, "The JSON ended in the middle of a value.");

        public static JsonException EndedInString(int at) => At(at, "The JSON ended inside a string.");

        public static JsonException AfterValue(int at, char c) => At(at, $"'{c}' is invalid after a single JSON value. Expected end of data.");

        public static JsonException ExpectedSeparator(int at, char c, bool inObject) => At(at, inObject
            ? $"Expected ',' or '}}' after a property value, found '{c}'."
            : $"Expected ',' or ']' after an array item, found '{c}'.");

        public static JsonException InvalidStart(int at, char c) => At(at, $"'{c}' is an invalid start of a value.");

        public static JsonException ExpectedPropertyName(int at, char c) => At(at, $"Expected a property name in double quotes, found '{c}'.");

        public static JsonException ExpectedColon(int at) => At(at, "Expected ':' after a property name.");

        public static JsonException ControlCharacter(int at, char c) => At(at, $"Control character U+{(int)c:X4} must be escaped inside a string.");

        public static JsonException BadUnicodeEscape(int at) => At(at, "Expected four hexadecimal digits after '\\u'.");

        public static JsonException BadEscape(int at, char c) => At(at, $"'\\{c}' is not a valid escape in a JSON string.");

        public static JsonException ExpectedLiteral(int at, string literal) => At(at, $"Expected '{literal}'.");

        public static JsonException LeadingZero(int at) => At(at, "A number cannot have a leading zero.");

        public static JsonException ExpectedDigit(int at) => At(at, "Expected a digit in the number.");

        public static JsonException InvalidEndOfNumber(int at, char c) => At(at, $"'{c}' is invalid at the end of a number. Expected a delimiter.");

        public static JsonException TooDeep(int at, int maxDepth) => At(at, $"The maximum depth of {maxDepth} nested objects and arrays is exceeded.");

        private static JsonException At(int position, string message) =>
            new($"{message} (at character {position.ToString(CultureInfo.InvariantCulture)})", "$", null, position);
    }
}
