using System.ComponentModel;
using System.Text.Json;
using Amsha.Serialization;

namespace Amsha.Generated;

/// <summary>
/// The base of generated codecs: a generated codec reads and writes UTF-16 text (the form model answers and stored
/// state arrive in), and its UTF-8 members go through that code (<see cref="Utf8JsonBridge"/>), so each type's
/// reader and writer are generated once, and the bridging is written here, not in every codec.
/// </summary>
/// <typeparam name="T">The type the codec handles.</typeparam>
/// <remarks>For generated code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GeneratedJsonCodec<T> : JsonCodec<T>
{
    /// <inheritdoc/>
    public abstract override void Write(Utf16JsonWriter writer, T value);

    /// <inheritdoc/>
    public abstract override T Read(ref Utf16JsonReader reader);

    /// <inheritdoc/>
    public sealed override void Write(Utf8JsonWriter writer, T value) => Utf8JsonBridge.Write(this, writer, value);

    /// <inheritdoc/>
    public sealed override T Read(ref Utf8JsonReader reader) => Utf8JsonBridge.Read(this, ref reader);
}
