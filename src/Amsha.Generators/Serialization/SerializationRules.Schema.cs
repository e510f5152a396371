using System.Collections.Generic;
using System.Threading;
using Amsha.Generators.Helpers;

namespace Amsha.Generators.Serialization;

internal static partial class SerializationRules
{
    /// <summary>
    /// Decides the JSON Schema description of each codec's type (a <see cref="TypeSchema"/>, written by
    /// <see cref="SchemaWriter"/>): scalars, arrays, maps and nullability in place, and every enum and object type
    /// as a reference to its own definition. Descriptions are in the strict structured-output subset (every object
    /// closed, optional values as nullable unions; a type a model answers with lists every property as required)
    /// except where a dictionary needs an open object; the runtime sends a schema as strict only when all of it is in
    /// the subset. Each type is described once, by its own codec; the generated code
    /// composes a complete schema ("$defs") from the descriptions a type reaches, so the size of what is
    /// generated grows with the number of types and members, never with how often a type is used.
    /// </summary>
    private static class SchemaBuilder
    {
        /// <summary>The description of an enum or object type.</summary>
        public static TypeSchema Describe(string codecName, bool isEnum, Description description, CancellationToken cancellationToken)
        {
            var uses = new Uses();
            SchemaNode value;
            if (isEnum)
            {
                value = new EnumSchema(description.EnumMembers.ToEquatableArray());
            }
            else
            {
                var properties = new List<SchemaProperty>(description.Members.Count);
                foreach (var member in description.Members)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Which members are required is kept; the schema of a type a model answers with lists them all
                    // (SerializableTypeModel.LlmOutput, SchemaWriter): an optional member whose type has null as a value
                    // is a nullable union already, one whose type has none keeps its type (a null there would not read back).
                    properties.Add(new SchemaProperty(member.JsonName, Value(member.Type, uses), member.Required));
                }

                value = new ObjectSchema(properties.ToEquatableArray());
            }

            return new TypeSchema(SchemaName(codecName), value, uses.Codecs.ToEquatableArray());
        }

        /// <summary>The description of a collection root: its value, with the enum and object types it holds as references.</summary>
        public static TypeSchema Describe(string codecName, TypeShape shape, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var uses = new Uses();
            return new TypeSchema(SchemaName(codecName), Value(shape, uses), uses.Codecs.ToEquatableArray());
        }

        /// <summary>The definition name of a codec's type ("#/$defs/Sample_Article"): the codec name without its suffix.</summary>
        public static string SchemaName(string codecName) =>
            codecName.EndsWith("JsonCodec", System.StringComparison.Ordinal) ? codecName.Substring(0, codecName.Length - "JsonCodec".Length) : codecName;

        // Recursion follows one type reference's nesting, which the rules bound (MaxNesting).
        private static SchemaNode Value(TypeShape shape, Uses uses)
        {
            var inner = shape.Kind == ShapeKind.Nullable ? shape.Element! : shape;
            SchemaNode value = inner.Kind switch
            {
                ShapeKind.Enum or ShapeKind.Object => new RefSchema(uses.Add(inner.CodecName!)),
                ShapeKind.Array or ShapeKind.List or ShapeKind.ReadOnlyList => new ArraySchema(Value(inner.Element!, uses)),
                ShapeKind.Dictionary => new MapSchema(Value(inner.Element!, uses)),
                _ => new ScalarSchema(inner.Kind),
            };
            return shape.AcceptsNull ? new NullableSchema(value) : value;
        }

        /// <summary>The codecs a description refers to, in order of first use, each once.</summary>
        private sealed class Uses
        {
            private readonly HashSet<string> _seen = new();

            public List<string> Codecs { get; } = new();

            /// <summary>Records a use of <paramref name="codecName"/>; returns its definition name.</summary>
            public string Add(string codecName)
            {
                if (_seen.Add(codecName))
                {
                    Codecs.Add(codecName);
                }

                return SchemaName(codecName);
            }
        }
    }
}
