using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amsha.Generated;

namespace Amsha.Serialization;

/// <summary>
/// Reads and writes one type as JSON without reflection. The generator emits a codec for every
/// task output type, crew input type, <c>[AmshaLlmCall]</c> result type and <see cref="ExecutionStateAttribute"/>
/// type (and every type they reach) and registers it in <see cref="JsonCodecs"/> when the assembly loads.
/// </summary>
/// <typeparam name="T">The type the codec handles.</typeparam>
public abstract class JsonCodec<T>
{
    /// <summary>The JSON Schema of <typeparamref name="T"/>, used to ask models for structured output.</summary>
    public virtual string Schema => "{}";

    /// <summary>Writes <paramref name="value"/>.</summary>
    public abstract void Write(Utf8JsonWriter writer, T value);

    /// <summary>Reads a value; the reader is positioned on the value's first token.</summary>
    /// <exception cref="JsonException">The JSON does not have the shape of <typeparamref name="T"/>.</exception>
    public abstract T Read(ref Utf8JsonReader reader);

    /// <summary>Writes <paramref name="value"/> as UTF-16 text.</summary>
    /// <remarks>Generated codecs write the text directly; this default goes through <see cref="Write(Utf8JsonWriter, T)"/>.</remarks>
    public virtual void Write(Utf16JsonWriter writer, T value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var utf8 = new Utf8JsonWriter(buffer))
        {
            Write(utf8, value);
        }

        writer.WriteRawValue(buffer.WrittenSpan);
    }

    /// <summary>Reads a value from UTF-16 text; the reader is positioned on the value's first token.</summary>
    /// <remarks>Generated codecs read the text directly; this default hands the value's text to <see cref="Read(ref Utf8JsonReader)"/>.</remarks>
    /// <exception cref="JsonException">The JSON does not have the shape of <typeparamref name="T"/>.</exception>
    public virtual T Read(ref Utf16JsonReader reader)
    {
        var text = reader.ReadRawValue();
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var utf8 = new Utf8JsonReader(rented.AsSpan(0, Encoding.UTF8.GetBytes(text, rented)), new JsonReaderOptions { MaxDepth = JsonCodecs.MaxDepth });
            utf8.Read();
            return Read(ref utf8);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

/// <summary>The registry of <see cref="JsonCodec{T}"/>s, and JSON text helpers over it.</summary>
public static class JsonCodecs
{
    /// <summary>The deepest nesting the text helpers accept; deeper input is rejected before it can exhaust the stack.</summary>
    public const int MaxDepth = 256;

    private static readonly ConcurrentDictionary<Type, object> s_codecs = new();

    [ThreadStatic]
    private static Utf16JsonWriter? t_writer;

    static JsonCodecs()
    {
        Register(new StringCodec());
        Register(new NoInputCodec());
        Register(new CrewInputJson.Codec());
        BuiltInCodecs.RegisterAll();
    }

    /// <summary>Registers <paramref name="codec"/> for <typeparamref name="T"/>, replacing any earlier one.</summary>
    public static void Register<T>(JsonCodec<T> codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        s_codecs[typeof(T)] = codec;
    }

    /// <summary>The codec of <typeparamref name="T"/>, if one is registered.</summary>
    public static bool TryGet<T>(out JsonCodec<T> codec)
    {
        if (s_codecs.TryGetValue(typeof(T), out var found))
        {
            codec = (JsonCodec<T>)found;
            return true;
        }

        codec = null!;
        return false;
    }

    /// <summary>The codec of <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">No codec is registered for <typeparamref name="T"/>.</exception>
    public static JsonCodec<T> Get<T>() => TryGet<T>(out var codec)
        ? codec
        : throw new InvalidOperationException(
            $"Type '{typeof(T).FullName}' has no JSON serializer registered in JsonCodecs. The Amsha generator emits one for every crew input, task output and [AmshaLlmCall] result type of the assembly that declares them, and for types marked [ExecutionState]; " +
            $"for any other type, mark it [ExecutionState] (and make it partial) or register a hand-written JsonCodec<{typeof(T).Name}> with JsonCodecs.Register.");

    /// <summary>Serializes <paramref name="value"/> to JSON text with the registered codec.</summary>
    public static string Serialize<T>(T value) => Serialize(Get<T>(), value);

    /// <summary>Serializes <paramref name="value"/> to JSON text with <paramref name="codec"/>.</summary>
    public static string Serialize<T>(JsonCodec<T> codec, T value)
    {
        ArgumentNullException.ThrowIfNull(codec);

        var writer = RentWriter();
        codec.Write(writer, value);
        var text = writer.ToString();
        ReturnWriter(writer);
        return text;
    }

    /// <summary>Writes the value as UTF-16 text with <paramref name="codec"/>, then into <paramref name="target"/> as one raw value.</summary>
    internal static void WriteRawValue<T>(JsonCodec<T> codec, T value, Utf8JsonWriter target)
    {
        var writer = RentWriter();
        codec.Write(writer, value);
        target.WriteRawValue(writer.WrittenSpan, skipInputValidation: true);
        ReturnWriter(writer);
    }

    // A per-thread writer keeps serialization to one allocation: the returned string. Taken from the
    // thread while in use, so a codec that serializes recursively gets its own.
    private static Utf16JsonWriter RentWriter()
    {
        var writer = t_writer ?? new Utf16JsonWriter(1024);
        t_writer = null;
        writer.Reset();
        return writer;
    }

    private static void ReturnWriter(Utf16JsonWriter writer)
    {
        if (writer.Capacity <= 1 << 20)
        {
            t_writer = writer;
        }
    }

    /// <summary>Deserializes JSON text with the registered codec.</summary>
    /// <exception cref="JsonException">The text is not JSON of the shape of <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Deserialize(Get<T>(), json);
    }

    /// <summary>Deserializes JSON text with <paramref name="codec"/>.</summary>
    /// <exception cref="JsonException">The text is not JSON of the shape of <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(JsonCodec<T> codec, string json)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(json);
        var reader = new Utf16JsonReader(json, MaxDepth);
        reader.Read();
        var value = codec.Read(ref reader);

        // Anything but whitespace after the value makes Read throw.
        reader.Read();
        return value;
    }

    private sealed class StringCodec : JsonCodec<string>
    {
        public override string Schema => """{"type":"string"}""";

        public override void Write(Utf8JsonWriter writer, string value) => writer.WriteStringValue(value);

        public override string Read(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw new JsonException($"Expected a JSON string, found {reader.TokenType}.");

        // The UTF-16 members keep lone surrogates: through the UTF-8 bridge they would be written as
        // U+FFFD, and reading an escaped one would throw InvalidOperationException.
        public override void Write(Utf16JsonWriter writer, string value)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value);
        }

        public override string Read(ref Utf16JsonReader reader) => reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw new JsonException($"Expected a JSON string, found {reader.TokenType}.");
    }

    private sealed class NoInputCodec : JsonCodec<NoInput>
    {
        public override string Schema => """{"type":"object"}""";

        public override void Write(Utf8JsonWriter writer, NoInput value)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }

        public override NoInput Read(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"Expected an empty JSON object, found {reader.TokenType}.");
            }

            reader.Skip();
            return NoInput.Value;
        }
    }
}
