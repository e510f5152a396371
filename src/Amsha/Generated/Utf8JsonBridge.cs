using System;
using System.ComponentModel;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha.Generated;

/// <summary>
/// The UTF-8 members of generated codecs. A generated codec reads and writes UTF-16 text (the form model answers and
/// stored state arrive in); its <see cref="Utf8JsonReader"/> and <see cref="Utf8JsonWriter"/> members go through that
/// code, so each type's reader and writer are generated once, not once per encoding.
/// </summary>
/// <remarks>For generated code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Utf8JsonBridge
{
    /// <summary>Writes <paramref name="value"/> with the codec's UTF-16 writer, then into <paramref name="writer"/> as one raw value.</summary>
    public static void Write<T>(JsonCodec<T> codec, Utf8JsonWriter writer, T value)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(writer);
        JsonCodecs.WriteRawValue(codec, value, writer);
    }

    /// <summary>
    /// Reads the value at the reader's current token with the codec's UTF-16 reader, and leaves <paramref name="reader"/>
    /// on the value's last token, where a codec reading UTF-8 itself would leave it.
    /// </summary>
    public static T Read<T>(JsonCodec<T> codec, ref Utf8JsonReader reader)
    {
        ArgumentNullException.ThrowIfNull(codec);

        // The value's text as written (escapes kept); the syntax is checked here, the shape by the codec.
        string text;
        using (var document = JsonDocument.ParseValue(ref reader))
        {
            text = document.RootElement.GetRawText();
        }

        var utf16 = new Utf16JsonReader(text, JsonCodecs.MaxDepth);
        utf16.Read();
        return codec.Read(ref utf16);
    }
}
