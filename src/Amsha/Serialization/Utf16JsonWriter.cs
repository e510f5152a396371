using System;
using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Amsha.Serialization;

/// <summary>
/// Writes JSON straight into UTF-16 text, for codecs whose result is a <see cref="string"/>.
/// Generated codecs write through it so that serializing to text needs no UTF-8 round trip;
/// the output is character for character what <see cref="Utf8JsonWriter"/> writes with its
/// default options (same escaping, number and date formats), with one deliberate difference: a lone
/// surrogate is escaped as itself (<c>\uD800</c>) instead of being replaced by U+FFFD, so that no
/// character of a string is lost.
/// </summary>
/// <remarks>
/// Like <see cref="Utf8JsonWriter"/> with <see cref="JsonWriterOptions.SkipValidation"/>, it trusts
/// its caller to write well-formed JSON: commas are placed for it, structure is not checked.
/// </remarks>
public sealed class Utf16JsonWriter
{
    // Utf8JsonWriter's default escaping allows printable ASCII except HTML-sensitive characters.
    private static readonly SearchValues<char> s_safe = SearchValues.Create(
        " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");

    private char[] _buffer;
    private int _length;
    private bool _needsComma;

    /// <summary>Creates a writer with room for <paramref name="initialCapacity"/> characters before it grows.</summary>
    public Utf16JsonWriter(int initialCapacity = 256) =>
        _buffer = new char[Math.Max(16, initialCapacity)];

    /// <summary>The JSON written so far.</summary>
    public ReadOnlySpan<char> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The characters the writer holds without growing.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>The JSON written so far, as a string.</summary>
    public override string ToString() => new(_buffer, 0, _length);

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Reset()
    {
        _length = 0;
        _needsComma = false;
    }

    /// <summary>Writes <c>{</c>.</summary>
    public void WriteStartObject() => Open('{');

    /// <summary>Writes <c>}</c>.</summary>
    public void WriteEndObject() => Close('}');

    /// <summary>Writes <c>[</c>.</summary>
    public void WriteStartArray() => Open('[');

    /// <summary>Writes <c>]</c>.</summary>
    public void WriteEndArray() => Close(']');

    /// <summary>Writes a property name that is already escaped.</summary>
    public void WritePropertyName(JsonEncodedText name)
    {
        var text = name.Value;
        var span = StartValue(text.Length + 3);
        WriteEncoded(span, text);
        span[text.Length + 2] = ':';
        _length += text.Length + 3;
        _needsComma = false;
    }

    /// <summary>Writes a property name, escaping it.</summary>
    public void WritePropertyName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        WriteQuoted(name);
        Append(':');
        _needsComma = false;
    }

    /// <summary>Writes <c>null</c>.</summary>
    public void WriteNullValue() => WriteLiteral("null");

    /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
    public void WriteBooleanValue(bool value) => WriteLiteral(value ? "true" : "false");

    /// <summary>Writes a string, escaping it; <see langword="null"/> is written as <c>null</c>.</summary>
    public void WriteStringValue(string? value)
    {
        if (value is null)
        {
            WriteNullValue();
            return;
        }

        WriteQuoted(value);
        _needsComma = true;
    }

    /// <summary>Writes a string that is already escaped.</summary>
    public void WriteStringValue(JsonEncodedText value)
    {
        var text = value.Value;
        var span = StartValue(text.Length + 2);
        WriteEncoded(span, text);
        EndValue(text.Length + 2);
    }

    /// <summary>Writes an ISO 8601 date and time, without trailing zero fractions (as <see cref="Utf8JsonWriter"/> does).</summary>
    public void WriteStringValue(DateTime value)
    {
        var span = StartValue(36);
        value.TryFormat(span.Slice(1), out var written, "O", CultureInfo.InvariantCulture);
        EndValue(QuoteAndTrimDate(span, written));
    }

    /// <summary>Writes an ISO 8601 date and time with its offset, without trailing zero fractions.</summary>
    public void WriteStringValue(DateTimeOffset value)
    {
        var span = StartValue(36);
        value.TryFormat(span.Slice(1), out var written, "O", CultureInfo.InvariantCulture);
        EndValue(QuoteAndTrimDate(span, written));
    }

    /// <summary>Writes a GUID in its hyphenated lower-case form.</summary>
    public void WriteStringValue(Guid value)
    {
        var span = StartValue(38);
        span[0] = '"';
        value.TryFormat(span.Slice(1), out _, "D");
        span[37] = '"';
        EndValue(38);
    }

    /// <summary>Writes a number.</summary>
    public void WriteNumberValue(int value) => WriteFormatted(value, 11);

    /// <summary>Writes a number.</summary>
    public void WriteNumberValue(uint value) => WriteFormatted(value, 10);

    /// <summary>Writes a number.</summary>
    public void WriteNumberValue(long value) => WriteFormatted(value, 20);

    /// <summary>Writes a number.</summary>
    public void WriteNumberValue(ulong value) => WriteFormatted(value, 20);

    /// <summary>Writes a number in its shortest round-trippable form.</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite, which JSON cannot hold.</exception>
    public void WriteNumberValue(double value)
    {
        if (!double.IsFinite(value))
        {
            throw NotFinite(value.ToString(CultureInfo.InvariantCulture));
        }

        var span = StartValue(32);
        if (!FastNumbers.TryFormatShortDecimal(value, span, out var written))
        {
            value.TryFormat(span, out written, default, CultureInfo.InvariantCulture);
        }

        EndValue(written);
    }

    /// <summary>Writes a number in its shortest round-trippable form.</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite, which JSON cannot hold.</exception>
    public void WriteNumberValue(float value)
    {
        if (!float.IsFinite(value))
        {
            throw NotFinite(value.ToString(CultureInfo.InvariantCulture));
        }

        WriteFormatted(value, 32);
    }

    /// <summary>Writes a number.</summary>
    public void WriteNumberValue(decimal value) => WriteFormatted(value, 32);

    /// <summary>Writes a property name that is already escaped and its value, <c>true</c> or <c>false</c>.</summary>
    public void WriteBoolean(JsonEncodedText propertyName, bool value)
    {
        WritePropertyName(propertyName);
        WriteBooleanValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its string value (<see langword="null"/> as <c>null</c>).</summary>
    public void WriteString(JsonEncodedText propertyName, string? value)
    {
        WritePropertyName(propertyName);
        WriteStringValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its ISO 8601 date and time.</summary>
    public void WriteString(JsonEncodedText propertyName, DateTime value)
    {
        WritePropertyName(propertyName);
        WriteStringValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its ISO 8601 date and time with offset.</summary>
    public void WriteString(JsonEncodedText propertyName, DateTimeOffset value)
    {
        WritePropertyName(propertyName);
        WriteStringValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its GUID.</summary>
    public void WriteString(JsonEncodedText propertyName, Guid value)
    {
        WritePropertyName(propertyName);
        WriteStringValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its number.</summary>
    public void WriteNumber(JsonEncodedText propertyName, int value)
    {
        WritePropertyName(propertyName);
        WriteNumberValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its number.</summary>
    public void WriteNumber(JsonEncodedText propertyName, uint value)
    {
        WritePropertyName(propertyName);
        WriteNumberValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its number.</summary>
    public void WriteNumber(JsonEncodedText propertyName, long value)
    {
        WritePropertyName(propertyName);
        WriteNumberValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its number.</summary>
    public void WriteNumber(JsonEncodedText propertyName, ulong value)
    {
        WritePropertyName(propertyName);
        WriteNumberValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its number.</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite, which JSON cannot hold.</exception>
    public void WriteNumber(JsonEncodedText propertyName, double value)
    {
        WritePropertyName(propertyName);
        WriteNumberValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its number.</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite, which JSON cannot hold.</exception>
    public void WriteNumber(JsonEncodedText propertyName, float value)
    {
        WritePropertyName(propertyName);
        WriteNumberValue(value);
    }

    /// <summary>Writes a property name that is already escaped and its number.</summary>
    public void WriteNumber(JsonEncodedText propertyName, decimal value)
    {
        WritePropertyName(propertyName);
        WriteNumberValue(value);
    }

    /// <summary>Writes a complete JSON value given as UTF-8, as is; for codecs that only write UTF-8.</summary>
    internal void WriteRawValue(ReadOnlySpan<byte> utf8Json)
    {
        var span = StartValue(System.Text.Encoding.UTF8.GetMaxCharCount(utf8Json.Length));
        EndValue(System.Text.Encoding.UTF8.GetChars(utf8Json, span));
    }

    // `span` holds a quote's room, then `length` characters of the "O" format, which always has
    // seven fraction digits after the seconds. Utf8JsonWriter drops the zeros at the end of the
    // fraction, and the dot too when nothing is left; the offset or Z that follows moves up.
    private static int QuoteAndTrimDate(Span<char> span, int length)
    {
        const int FractionStart = 21; // after the quote, "yyyy-MM-ddTHH:mm:ss."
        const int FractionEnd = FractionStart + 7;
        var kept = FractionEnd;
        while (kept > FractionStart && span[kept - 1] == '0')
        {
            kept--;
        }

        if (kept == FractionStart)
        {
            kept--; // the dot
        }

        var tail = length + 1 - FractionEnd;
        span.Slice(FractionEnd, tail).CopyTo(span.Slice(kept));
        span[0] = '"';
        span[kept + tail] = '"';
        return kept + tail + 1;
    }

    private void WriteQuoted(string value)
    {
        var first = value.AsSpan().IndexOfAnyExcept(s_safe);
        if (first < 0)
        {
            WriteEncoded(StartValue(value.Length + 2), value);
            EndValue(value.Length + 2);
            return;
        }

        // Escaped text is reserved as it is written, so one newline early in a long text does not
        // reserve six characters for every character after it.
        var head = StartValue(first + 1);
        head[0] = '"';
        value.AsSpan(0, first).CopyTo(head.Slice(1));
        _length += first + 1;
        var rest = value.AsSpan(first);
        while (!rest.IsEmpty)
        {
            _length += Escape(rest[0], Reserve(6));
            rest = rest.Slice(1);
            var safe = rest.IndexOfAnyExcept(s_safe);
            var run = safe < 0 ? rest.Length : safe;
            rest.Slice(0, run).CopyTo(Reserve(run));
            _length += run;
            rest = rest.Slice(run);
        }

        Append('"');
        _needsComma = true;
    }

    private static int Escape(char c, Span<char> destination)
    {
        destination[0] = '\\';
        var shortForm = c switch
        {
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\\' => '\\',
            '\b' => 'b',
            '\f' => 'f',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            destination[1] = shortForm;
            return 2;
        }

        const string Hex = "0123456789ABCDEF";
        destination[1] = 'u';
        destination[2] = Hex[c >> 12];
        destination[3] = Hex[(c >> 8) & 0xF];
        destination[4] = Hex[(c >> 4) & 0xF];
        destination[5] = Hex[c & 0xF];
        return 6;
    }

    private void Open(char bracket)
    {
        var span = StartValue(1);
        span[0] = bracket;
        _length++;
        _needsComma = false;
    }

    private void Close(char bracket)
    {
        Append(bracket);
        _needsComma = true;
    }

    // Writes text that needs no escaping (or is escaped already) in quotes.
    private static void WriteEncoded(Span<char> span, string encoded)
    {
        span[0] = '"';
        encoded.CopyTo(span.Slice(1));
        span[encoded.Length + 1] = '"';
    }

    // Generic over the number type so that each one gets its own specialized code, without boxing.
    private void WriteFormatted<T>(T value, int maxLength)
        where T : ISpanFormattable
    {
        var span = StartValue(maxLength);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        EndValue(written);
    }

    private void WriteLiteral(string literal)
    {
        var span = StartValue(literal.Length);
        literal.CopyTo(span);
        EndValue(literal.Length);
    }

    // Reserves room for a value of at most `length` characters, after the comma it may need.
    private Span<char> StartValue(int length)
    {
        if (_needsComma)
        {
            Reserve(length + 1)[0] = ',';
            _length++;
        }

        return Reserve(length);
    }

    private void EndValue(int written)
    {
        _length += written;
        _needsComma = true;
    }

    private void Append(char c)
    {
        Reserve(1)[0] = c;
        _length++;
    }

    private Span<char> Reserve(int length)
    {
        if (_buffer.Length - _length < length)
        {
            Grow(length);
        }

        return _buffer.AsSpan(_length);
    }

    private void Grow(int length)
    {
        var needed = checked(_length + length);
        var bigger = new char[Math.Max(needed, (int)Math.Min(Array.MaxLength, 2L * _buffer.Length))];
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        _buffer = bigger;
    }

    private static ArgumentException NotFinite(string value) =>
        new($"{value} cannot be written as JSON: JSON numbers must be finite.", "value");
}
