using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha.Generated;

/// <summary>
/// Reads one JSON value of a built-in type for generated codecs, or throws the codec error that names what was expected
/// and what was found. Every codec reads its members through these, so the checks are written once, not once per member.
/// </summary>
/// <remarks>For generated code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonRead
{
    private const string DateTimeText = "an ISO 8601 date-time string";

    /// <summary>
    /// Whether the current token is <c>null</c>. Codecs test a nullable member with this call rather than comparing the
    /// token type: a call binds faster than an enum comparison, which matters in a type of thousands of members.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNull(ref Utf16JsonReader reader) => reader.TokenType == JsonTokenType.Null;

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Boolean(ref Utf16JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => Fail<bool>("a boolean", ref reader),
    };

    /// <summary>Reads a number that fits <see cref="Byte"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Byte(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetByte(out var value) ? value : Fail<byte>("a number that fits Byte", ref reader);

    /// <summary>Reads a number that fits <see cref="SByte"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte SByte(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetSByte(out var value) ? value : Fail<sbyte>("a number that fits SByte", ref reader);

    /// <summary>Reads a number that fits <see cref="Int16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short Int16(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt16(out var value) ? value : Fail<short>("a number that fits Int16", ref reader);

    /// <summary>Reads a number that fits <see cref="UInt16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort UInt16(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetUInt16(out var value) ? value : Fail<ushort>("a number that fits UInt16", ref reader);

    /// <summary>Reads a number that fits <see cref="Int32"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Int32(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : Fail<int>("a number that fits Int32", ref reader);

    /// <summary>Reads a number that fits <see cref="UInt32"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint UInt32(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out var value) ? value : Fail<uint>("a number that fits UInt32", ref reader);

    /// <summary>Reads a number that fits <see cref="Int64"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Int64(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : Fail<long>("a number that fits Int64", ref reader);

    /// <summary>Reads a number that fits <see cref="UInt64"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong UInt64(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var value) ? value : Fail<ulong>("a number that fits UInt64", ref reader);

    /// <summary>Reads a number that fits <see cref="Single"/> (JSON has no infinity: one read from an out-of-range number is refused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Single(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetSingle(out var value) && float.IsFinite(value) ? value : Fail<float>("a number that fits Single", ref reader);

    /// <summary>Reads a number that fits <see cref="Double"/> (JSON has no infinity: one read from an out-of-range number is refused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Double(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value) ? value : Fail<double>("a number that fits Double", ref reader);

    /// <summary>Reads a number that fits <see cref="Decimal"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Decimal(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var value) ? value : Fail<decimal>("a number that fits Decimal", ref reader);

    /// <summary>Reads a string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string String(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : Fail<string>("a string", ref reader);

    /// <summary>Reads a string of exactly one character.</summary>
    public static char Char(ref Utf16JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return Fail<char>("a one-character string", ref reader);
        }

        var text = reader.GetString()!;
        return text.Length == 1 ? text[0] : throw JsonCodecErrors.InvalidValue("a one-character string", text);
    }

    /// <summary>Reads an ISO 8601 date and time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static global::System.DateTime DateTime(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && reader.TryGetDateTime(out var value) ? value : Fail<global::System.DateTime>(DateTimeText, ref reader);

    /// <summary>Reads an ISO 8601 date and time with its offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static global::System.DateTimeOffset DateTimeOffset(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value) ? value : Fail<global::System.DateTimeOffset>(DateTimeText, ref reader);

    /// <summary>Reads a GUID in its hyphenated form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static global::System.Guid Guid(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var value) ? value : Fail<global::System.Guid>("a GUID string", ref reader);

    /// <summary>Reads a string, or <c>null</c>.</summary>
    /// <remarks>A nullable member is read in one call: a conditional per member costs the compiler more.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string? StringOrNull(ref Utf16JsonReader reader) => IsNull(ref reader) ? null : String(ref reader);

    /// <summary>Reads a time span in the invariant constant format (<c>"01:30:00"</c>).</summary>
    public static global::System.TimeSpan TimeSpan(ref Utf16JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && global::System.TimeSpan.TryParseExact(reader.GetString(), "c", CultureInfo.InvariantCulture, out var value)
            ? value
            : Fail<global::System.TimeSpan>("a time span string such as \"01:30:00\"", ref reader);

    /// <summary>
    /// Reads an array into a new list, each item with <paramref name="readItem"/> (or as <see langword="null"/> where
    /// <paramref name="itemsMayBeNull"/>); an error in an item names its index in the path.
    /// </summary>
    /// <remarks>A codec reads a list of built-in, enum or object items through this: one call instead of the loop.</remarks>
    public static global::System.Collections.Generic.List<T> List<T>(ref Utf16JsonReader reader, JsonItemReader<T> readItem, bool itemsMayBeNull = false)
    {
        ArgumentNullException.ThrowIfNull(readItem);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonCodecErrors.Unexpected("an array", ref reader);
        }

        var list = new global::System.Collections.Generic.List<T>();
        try
        {
            while (true)
            {
                if (!reader.Read())
                {
                    throw JsonCodecErrors.UnexpectedEnd();
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    return list;
                }

                list.Add(itemsMayBeNull && reader.TokenType == JsonTokenType.Null ? default! : readItem(ref reader));
            }
        }
        catch (JsonException error)
        {
            throw JsonCodecErrors.AtIndex(error, list.Count);
        }
    }

    /// <summary>Reads <c>null</c>, or an array as <see cref="List{T}"/> does.</summary>
    /// <remarks>A nullable list member is read in one call: a conditional per member costs the compiler more.</remarks>
    public static global::System.Collections.Generic.List<T>? ListOrNull<T>(ref Utf16JsonReader reader, JsonItemReader<T> readItem, bool itemsMayBeNull = false) =>
        IsNull(ref reader) ? null : List(ref reader, readItem, itemsMayBeNull);

    // Out of line, so the readers above stay small enough to inline.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Fail<T>(string expected, ref Utf16JsonReader reader) => throw JsonCodecErrors.Unexpected(expected, ref reader);
}

/// <summary>Reads one item of a collection for <see cref="JsonRead.List{T}"/>; the reader is on the item's first token.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>For generated code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate T JsonItemReader<T>(ref Utf16JsonReader reader);
