using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using Amsha.Serialization;

namespace Amsha.Generated;

/// <summary>
/// Writes JSON values of built-in types and lists of them for generated codecs: a list of built-in, enum or object
/// items is one call, <see cref="List{T}"/>, with the item's writer, instead of a loop in every codec.
/// </summary>
/// <remarks>For generated code. Each writer writes the value as the codec writes a member of that type.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonWrite
{
    /// <summary>Writes the items as a JSON array, each with <paramref name="writeItem"/>; a <see langword="null"/> list is written as <c>null</c>.</summary>
    public static void List<T>(Utf16JsonWriter writer, IReadOnlyList<T>? items, Action<Utf16JsonWriter, T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writeItem);
        if (items is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        for (var i = 0; i < items.Count; i++)
        {
            writeItem(writer, items[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes <c>true</c> or <c>false</c>.</summary>
    public static void Boolean(Utf16JsonWriter writer, bool value) => writer.WriteBooleanValue(value);

    /// <summary>Writes a number.</summary>
    public static void Byte(Utf16JsonWriter writer, byte value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void SByte(Utf16JsonWriter writer, sbyte value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void Int16(Utf16JsonWriter writer, short value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void UInt16(Utf16JsonWriter writer, ushort value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void Int32(Utf16JsonWriter writer, int value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void UInt32(Utf16JsonWriter writer, uint value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void Int64(Utf16JsonWriter writer, long value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void UInt64(Utf16JsonWriter writer, ulong value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void Single(Utf16JsonWriter writer, float value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void Double(Utf16JsonWriter writer, double value) => writer.WriteNumberValue(value);

    /// <summary>Writes a number.</summary>
    public static void Decimal(Utf16JsonWriter writer, decimal value) => writer.WriteNumberValue(value);

    /// <summary>Writes a one-character string.</summary>
    public static void Char(Utf16JsonWriter writer, char value) => writer.WriteStringValue(value.ToString());

    /// <summary>Writes a string, or <c>null</c>.</summary>
    public static void String(Utf16JsonWriter writer, string? value) => writer.WriteStringValue(value);

    /// <summary>Writes an ISO 8601 date and time.</summary>
    public static void DateTime(Utf16JsonWriter writer, DateTime value) => writer.WriteStringValue(value);

    /// <summary>Writes an ISO 8601 date and time with its offset.</summary>
    public static void DateTimeOffset(Utf16JsonWriter writer, DateTimeOffset value) => writer.WriteStringValue(value);

    /// <summary>Writes a GUID in its hyphenated form.</summary>
    public static void Guid(Utf16JsonWriter writer, Guid value) => writer.WriteStringValue(value);

    /// <summary>Writes a time span in the invariant constant format (<c>"01:30:00"</c>).</summary>
    public static void TimeSpan(Utf16JsonWriter writer, TimeSpan value) => writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
}
