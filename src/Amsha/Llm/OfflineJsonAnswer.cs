using System;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Amsha;

/// <summary>
/// Builds the offline client's answer to a structured request: JSON valid against the requested
/// schema, with every value derived from the prompt and a stable hash, so it is deterministic.
/// </summary>
internal sealed class OfflineJsonAnswer
{
    private const int MaxDepth = 32;

    // Past this depth optional content (nullable values, array items) is left out, so recursive
    // schemas ($ref) end instead of growing without bound.
    private const int OptionalDepth = 8;

    // The generated schema of a char: a string of exactly one character.
    private const string CharPattern = @"^[\s\S]$";

    // The same words as the text answers, so both kinds of answer read alike.
    private static string[] Vocabulary => OfflineChatClient.Vocabulary;

    private readonly string _subject;
    private readonly JsonElement _root;
    private uint _state;

    private OfflineJsonAnswer(JsonElement root, string subject, uint seed)
    {
        _root = root;
        _subject = subject.TrimEnd('.', ' ');
        _state = seed == 0 ? 1u : seed;
    }

    /// <summary>An answer for <paramref name="schema"/> about <paramref name="subject"/>.</summary>
    public static string Build(JsonElement schema, string subject, uint seed)
    {
        var answer = new OfflineJsonAnswer(schema, subject, seed);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            answer.WriteValue(writer, schema, "value", 0);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteValue(Utf8JsonWriter writer, JsonElement schema, string name, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            writer.WriteNullValue();
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            WriteValue(writer, Resolve(reference.GetString()!), name, depth + 1);
            return;
        }

        if (schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            choices[(int)(Next() % (uint)choices.GetArrayLength())].WriteTo(writer);
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(writer);
            return;
        }

        if ((schema.TryGetProperty("anyOf", out var options) || schema.TryGetProperty("oneOf", out options)) && options.ValueKind == JsonValueKind.Array)
        {
            // The first alternative that is not null: an answer with content is the useful one
            // (until deep in a recursive structure, where null ends it).
            if (depth > OptionalDepth && AllowsNull(options))
            {
                writer.WriteNullValue();
                return;
            }

            foreach (var option in options.EnumerateArray())
            {
                if (TypeOf(option) != "null")
                {
                    WriteValue(writer, option, name, depth + 1);
                    return;
                }
            }

            writer.WriteNullValue();
            return;
        }

        switch (TypeOf(schema))
        {
            case "object":
                WriteObject(writer, schema, depth);
                break;
            case "array":
                writer.WriteStartArray();
                var count = depth > OptionalDepth ? 0 : 1 + (int)(Next() % 3);
                if (schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var minItems))
                {
                    count = Math.Max(count, minItems);
                }

                if (schema.TryGetProperty("maxItems", out var max) && max.TryGetInt32(out var maxItems))
                {
                    count = Math.Min(count, maxItems);
                }

                schema.TryGetProperty("items", out var items);
                for (var i = 0; i < count; i++)
                {
                    WriteValue(writer, items, Singular(name) + " " + (i + 1).ToString(CultureInfo.InvariantCulture), depth + 1);
                }

                writer.WriteEndArray();
                break;
            case "integer":
                writer.WriteNumberValue(Integer(schema));
                break;
            case "number":
                writer.WriteNumberValue(Integer(schema) + ((Next() % 100) / 100.0));
                break;
            case "boolean":
                writer.WriteBooleanValue(Next() % 2 == 0);
                break;
            case "string":
                writer.WriteStringValue(Text(schema, name));
                break;
            case "null":
                writer.WriteNullValue();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private void WriteObject(Utf8JsonWriter writer, JsonElement schema, int depth)
    {
        writer.WriteStartObject();
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                WriteValue(writer, property.Value, property.Name, depth + 1);
            }
        }
        else if (schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            var count = depth > OptionalDepth ? 0 : 1 + (int)(Next() % 3);
            for (var i = 0; i < count; i++)
            {
                var key = Vocabulary[(int)(Next() % (uint)Vocabulary.Length)] + (i + 1).ToString(CultureInfo.InvariantCulture);
                writer.WritePropertyName(key);
                WriteValue(writer, values, key, depth + 1);
            }
        }

        writer.WriteEndObject();
    }

    private long Integer(JsonElement schema)
    {
        long low = 1, high = 1000;
        if (schema.TryGetProperty("minimum", out var min) && min.TryGetInt64(out var minimum))
        {
            low = minimum;
            high = Math.Max(high, low);
        }

        if (schema.TryGetProperty("maximum", out var max) && max.TryGetInt64(out var maximum))
        {
            high = maximum;
            low = Math.Min(low, high);
        }

        return low + (long)(Next() % (ulong)(high - low + 1));
    }

    private string Text(JsonElement schema, string name)
    {
        var format = schema.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        switch (format)
        {
            case "date-time":
                return new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Next() % 500_000).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            case "date":
                return new DateTime(2024, 1, 1).AddDays(Next() % 700).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case "time":
                return TimeSpan.FromMinutes(Next() % 1440).ToString("hh\\:mm\\:ss", CultureInfo.InvariantCulture);
            case "uuid":
                Span<byte> bytes = stackalloc byte[16];
                for (var i = 0; i < 16; i += 4)
                {
                    BitConverter.TryWriteBytes(bytes.Slice(i), Next());
                }

                return new Guid(bytes).ToString();
        }

        if (schema.TryGetProperty("pattern", out var pattern))
        {
            // Amsha's schemas use two patterns: one character (a char) and the TimeSpan "c" format.
            return pattern.ValueKind == JsonValueKind.String && pattern.GetString() == CharPattern
                ? _subject.Length > 0 ? _subject.Substring(0, 1) : "a"
                : TimeSpan.FromMinutes(1 + (Next() % 600)).ToString("c", CultureInfo.InvariantCulture);
        }

        var maxLength = schema.TryGetProperty("maxLength", out var maxElement) && maxElement.TryGetInt32(out var m) ? m : int.MaxValue;
        if (maxLength <= 1)
        {
            return maxLength == 1 ? _subject.Length > 0 ? _subject.Substring(0, 1) : "a" : "";
        }

        var text = Humanize(name) + ": " + _subject + ", " + Vocabulary[(int)(Next() % (uint)Vocabulary.Length)] + " and " + Vocabulary[(int)(Next() % (uint)Vocabulary.Length)] + ".";
        return text.Length <= maxLength ? text : text.Substring(0, maxLength);
    }

    // "#" is the whole schema, "#/$defs/Name" one of its definitions; anything else is any value.
    private JsonElement Resolve(string reference)
    {
        if (reference == "#")
        {
            return _root;
        }

        const string Prefix = "#/$defs/";
        return reference.StartsWith(Prefix, StringComparison.Ordinal)
            && _root.TryGetProperty("$defs", out var defs) && defs.ValueKind == JsonValueKind.Object
            && defs.TryGetProperty(reference.Substring(Prefix.Length), out var target)
                ? target
                : default;
    }

    private static bool AllowsNull(JsonElement options)
    {
        foreach (var option in options.EnumerateArray())
        {
            if (TypeOf(option) == "null")
            {
                return true;
            }
        }

        return false;
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _) ? "object" : null;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return type.GetString();
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in type.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.String && entry.GetString() != "null")
                {
                    return entry.GetString();
                }
            }

            return "null";
        }

        return null;
    }

    // "wordCount" -> "Word count"
    private static string Humanize(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i == 0)
            {
                builder.Append(char.ToUpperInvariant(c));
            }
            else if (char.IsUpper(c) && !char.IsUpper(name[i - 1]))
            {
                builder.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c == '_' || c == '-' ? ' ' : c);
            }
        }

        return builder.ToString();
    }

    private static string Singular(string name) => name.EndsWith('s') && name.Length > 1 ? name.Substring(0, name.Length - 1) : name;

    // xorshift32: a small deterministic sequence seeded by the conversation's hash.
    private uint Next()
    {
        var x = _state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _state = x;
        return x;
    }
}
