using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Amsha.Generators.Helpers;

namespace Amsha.Generators.Serialization;

/// <summary>Writes a <see cref="TypeSchema"/>'s description as JSON Schema text (compact, properties in model order).</summary>
internal static class SchemaWriter
{
    /// <summary>A TimeSpan is written in the invariant "c" format, e.g. <c>1.02:03:04.5</c>.</summary>
    private const string TimeSpanPattern = @"^-?(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$";

    /// <summary>
    /// A char is a string of exactly one UTF-16 unit. Said with a pattern, not minLength/maxLength: OpenAI's strict
    /// structured outputs accept pattern and format on strings, not length limits.
    /// </summary>
    private const string CharPattern = @"^[\s\S]$";

    /// <summary>The schema's text; <paramref name="requireAll"/> lists every property in <c>required</c> (strict structured outputs).</summary>
    public static string Write(TypeSchema schema, bool requireAll = false)
    {
        // A description's only object is its root: the object types it uses are references to their own descriptions.
        var value = requireAll && schema.Value is ObjectSchema obj
            ? new ObjectSchema(obj.Properties.Select(static p => p with { Required = true }).ToEquatableArray())
            : schema.Value;
        var s = new StringBuilder();
        Write(s, value);
        return s.ToString();
    }

    private static void Write(StringBuilder s, SchemaNode node)
    {
        switch (node)
        {
            case ScalarSchema scalar:
                WriteScalar(s, scalar.Kind, acceptsNull: false);
                break;
            case NullableSchema { Value: ScalarSchema scalar }:
                WriteScalar(s, scalar.Kind, acceptsNull: true);
                break;
            case NullableSchema nullable:
                Wrap(s, "{\"anyOf\":[", nullable.Value, ",{\"type\":\"null\"}]}");
                break;
            case EnumSchema enumeration:
                s.Append("{\"type\":\"string\",\"enum\":[").Append(QuoteAll(enumeration.Members)).Append("]}");
                break;
            case ObjectSchema obj:
                s.Append("{\"type\":\"object\",\"properties\":{");
                WriteProperties(s, obj.Properties);
                s.Append("},\"required\":[").Append(QuoteAll(obj.Properties.Where(p => p.Required).Select(p => p.Name))).Append("],\"additionalProperties\":false}");
                break;
            case ArraySchema array:
                Wrap(s, "{\"type\":\"array\",\"items\":", array.Items, "}");
                break;
            case MapSchema map:
                Wrap(s, "{\"type\":\"object\",\"additionalProperties\":", map.Values, "}");
                break;
            case RefSchema reference:
                s.Append("{\"$ref\":\"#/$defs/").Append(reference.Definition).Append("\"}");
                break;
        }
    }

    private static void Wrap(StringBuilder s, string before, SchemaNode value, string after)
    {
        s.Append(before);
        Write(s, value);
        s.Append(after);
    }

    // "name":value pairs, comma-separated: object properties, with their description and default inside the value's object.
    private static void WriteProperties(StringBuilder s, IEnumerable<SchemaProperty> properties)
    {
        var first = true;
        foreach (var property in properties)
        {
            s.Append(first ? "" : ",").Append(Quote(property.Name)).Append(':');
            Write(s, property.Value);
            if (property.Description is not null || property.DefaultJson is not null)
            {
                s.Length--; // every value is an object: its closing brace
                if (property.Description is not null)
                {
                    s.Append(",\"description\":").Append(Quote(property.Description));
                }

                if (property.DefaultJson is not null)
                {
                    s.Append(",\"default\":").Append(property.DefaultJson);
                }

                s.Append('}');
            }

            first = false;
        }
    }

    private static string QuoteAll(IEnumerable<string> texts) => string.Join(",", texts.Select(Quote));

    // A nullable scalar lists "null" among its types instead of wrapping itself in anyOf.
    private static void WriteScalar(StringBuilder s, ShapeKind kind, bool acceptsNull)
    {
        var (type, constraints) = Scalar(kind);
        s.Append("{\"type\":").Append(acceptsNull ? "[\"" + type + "\",\"null\"]" : "\"" + type + "\"").Append(constraints).Append('}');
    }

    private static (string Type, string Constraints) Scalar(ShapeKind kind) => kind switch
    {
        ShapeKind.Boolean => ("boolean", ""),
        ShapeKind.Byte => ("integer", ",\"minimum\":0,\"maximum\":255"),
        ShapeKind.SByte => ("integer", ",\"minimum\":-128,\"maximum\":127"),
        ShapeKind.Int16 => ("integer", ",\"minimum\":-32768,\"maximum\":32767"),
        ShapeKind.UInt16 => ("integer", ",\"minimum\":0,\"maximum\":65535"),
        ShapeKind.UInt32 or ShapeKind.UInt64 => ("integer", ",\"minimum\":0"),
        ShapeKind.Int32 or ShapeKind.Int64 => ("integer", ""),
        ShapeKind.Single or ShapeKind.Double or ShapeKind.Decimal => ("number", ""),
        ShapeKind.Char => ("string", ",\"pattern\":" + Quote(CharPattern)),
        ShapeKind.DateTime or ShapeKind.DateTimeOffset => ("string", ",\"format\":\"date-time\""),
        ShapeKind.TimeSpan => ("string", ",\"pattern\":" + Quote(TimeSpanPattern)),
        ShapeKind.Guid => ("string", ",\"format\":\"uuid\""),
        _ => ("string", ""), // String: the rules make scalar schemas of scalar shapes only
    };

    internal static string Quote(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
