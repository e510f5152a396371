using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Amsha.Generated;

/// <summary>
/// What a structured output's schema becomes on the wire: an object at the root (a value of another shape is wrapped
/// in an envelope <c>{"value": …}</c>), a name OpenAI accepts, and whether it is in the strict structured-output
/// subset, so the call path may ask for <c>strict</c>.
/// </summary>
/// <remarks>
/// The subset (OpenAI's "supported schemas"): the root is an object; every object lists its properties, names every
/// one of them in <c>required</c> and has <c>"additionalProperties": false</c>, in <c>$defs</c> too; every other
/// schema has a <c>type</c>, is a <c>$ref</c> or an <c>anyOf</c> of such schemas. The generator writes every codec's
/// schema that way; a dictionary's open object (<c>"additionalProperties": {…}</c>) is the one thing outside it.
/// </remarks>
internal static class StrictOutputSchema
{
    /// <summary>The envelope's one property, holding a value whose schema is not an object.</summary>
    public const string EnvelopeProperty = "value";

    /// <summary>
    /// The key of <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> that Microsoft.Extensions.AI.OpenAI
    /// reads to send <c>"strict": true</c> with a JSON schema response format (and with function tools).
    /// </summary>
    public const string StrictKey = "strict";

    /// <summary>OpenAI's limit on the length of a response format's name.</summary>
    private const int MaxNameLength = 64;

    // Deeper than any schema the generator writes (it bounds nesting); a deeper one is simply not strict.
    private const int MaxDepth = 256;

    /// <summary>Whether <paramref name="schema"/> is sent as it is: a schema whose root is an object.</summary>
    public static bool IsObjectRoot(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("object");

    /// <summary>
    /// The envelope schema of a value of schema <paramref name="schema"/>: an object whose one required property
    /// <c>value</c> holds it, with its definitions (<c>$defs</c>) moved to the envelope's root, where references find them.
    /// </summary>
    public static string Envelope(JsonElement schema)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WritePropertyName(EnvelopeProperty);
            if (schema.ValueKind == JsonValueKind.Object)
            {
                writer.WriteStartObject();
                foreach (var keyword in schema.EnumerateObject())
                {
                    if (!keyword.NameEquals("$defs"))
                    {
                        keyword.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }
            else
            {
                schema.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue(EnvelopeProperty);
            writer.WriteEndArray();
            writer.WriteBoolean("additionalProperties", false);
            if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$defs", out var definitions))
            {
                writer.WritePropertyName("$defs");
                definitions.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Whether <paramref name="schema"/> is in the strict structured-output subset (see the remarks of the class).</summary>
    public static bool Qualifies(JsonElement schema)
    {
        if (!IsObjectRoot(schema))
        {
            return false;
        }

        if (schema.TryGetProperty("$defs", out var definitions))
        {
            if (definitions.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var definition in definitions.EnumerateObject())
            {
                if (!Node(definition.Value, 1))
                {
                    return false;
                }
            }
        }

        return Node(schema, 0);
    }

    /// <summary>
    /// A response format name for <paramref name="type"/> that OpenAI accepts (<c>^[a-zA-Z0-9_-]{1,64}$</c>): generic
    /// arguments joined with <c>_</c> (<c>List_Review</c>, not <c>List`1</c>), arrays as <c>ReviewArray</c>.
    /// </summary>
    public static string Name(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var name = new StringBuilder();
        AppendName(name, type, 0);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-'))
            {
                name[i] = '_';
            }
        }

        if (name.Length > MaxNameLength)
        {
            name.Length = MaxNameLength;
        }

        return name.Length == 0 ? "output" : name.ToString();
    }

    private static void AppendName(StringBuilder name, Type type, int depth)
    {
        if (depth > 8 || name.Length > MaxNameLength)
        {
            return;
        }

        if (type.IsArray && type.GetElementType() is { } element)
        {
            AppendName(name, element, depth + 1);
            name.Append("Array");
            return;
        }

        var simple = type.Name;
        var tick = simple.IndexOf('`', StringComparison.Ordinal);
        name.Append(tick < 0 ? simple : simple.Substring(0, tick));
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                name.Append('_');
                AppendName(name, argument, depth + 1);
            }
        }
    }

    private static bool Node(JsonElement node, int depth)
    {
        if (node.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return false;
        }

        if (node.TryGetProperty("$ref", out var reference))
        {
            return reference.ValueKind == JsonValueKind.String && reference.GetString()!.StartsWith('#');
        }

        if (node.TryGetProperty("anyOf", out var alternatives))
        {
            if (alternatives.ValueKind != JsonValueKind.Array || alternatives.GetArrayLength() == 0)
            {
                return false;
            }

            foreach (var alternative in alternatives.EnumerateArray())
            {
                if (!Node(alternative, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        if (!node.TryGetProperty("type", out var type) || !Types(type, out var isObject, out var isArray))
        {
            return false;
        }

        if (isObject && !ClosedObject(node, depth))
        {
            return false;
        }

        return !isArray || (node.TryGetProperty("items", out var items) && Node(items, depth + 1));
    }

    // "type" is a name or a list of names; which of them need more checks.
    private static bool Types(JsonElement type, out bool isObject, out bool isArray)
    {
        isObject = isArray = false;
        if (type.ValueKind == JsonValueKind.String)
        {
            isObject = type.ValueEquals("object");
            isArray = type.ValueEquals("array");
            return true;
        }

        if (type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var entry in type.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            isObject |= entry.ValueEquals("object");
            isArray |= entry.ValueEquals("array");
        }

        return true;
    }

    // Properties listed, every one required, nothing else allowed.
    private static bool ClosedObject(JsonElement node, int depth)
    {
        if (!node.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object
            || !node.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False
            || !node.TryGetProperty("required", out var required) || required.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in required.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.String || !names.Add(name.GetString()!))
            {
                return false;
            }
        }

        var count = 0;
        foreach (var property in properties.EnumerateObject())
        {
            count++;
            if (!names.Contains(property.Name) || !Node(property.Value, depth + 1))
            {
                return false;
            }
        }

        return count == names.Count;
    }
}
