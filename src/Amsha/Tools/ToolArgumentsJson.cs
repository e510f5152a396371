using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace Amsha;

/// <summary>
/// Writes the arguments a chat client parsed from a model's tool call back to a JSON object, so a generated
/// codec reads them strictly. Clients hand over <see cref="JsonElement"/> values (Microsoft.Extensions.AI's
/// OpenAI client) or plain strings, numbers, booleans, lists and dictionaries; anything else is an argument error.
/// </summary>
internal static class ToolArgumentsJson
{
    /// <summary>The arguments as a UTF-8 JSON object; no arguments is <c>{}</c>.</summary>
    /// <exception cref="ToolArgumentException">A value is of a kind JSON cannot hold.</exception>
    public static ReadOnlyMemory<byte> ToUtf8(string toolName, IEnumerable<KeyValuePair<string, object?>>? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (arguments is not null)
            {
                foreach (var (name, value) in arguments)
                {
                    writer.WritePropertyName(name);
                    Write(writer, toolName, name, value, depth: 0);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static void Write(Utf8JsonWriter writer, string toolName, string parameter, object? value, int depth)
    {
        if (depth > Serialization.JsonCodecs.MaxDepth)
        {
            throw new ToolArgumentException(toolName, parameter, "the value nests too deeply.");
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong large:
                writer.WriteNumberValue(large);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case float number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                writer.WriteStartObject();
                foreach (var (name, item) in map)
                {
                    writer.WritePropertyName(name);
                    Write(writer, toolName, parameter, item, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, toolName, parameter, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ToolArgumentException(toolName, parameter, $"a value of type {value.GetType().Name} is not JSON.");
        }
    }
}
