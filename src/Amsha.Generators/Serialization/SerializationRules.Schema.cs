using System.Collections.Generic;
using Amsha.Generators.Helpers;

namespace Amsha.Generators.Serialization;

internal static partial class SerializationRules
{
    /// <summary>
    /// Decides the JSON Schema of each codec's type (as a <see cref="RootSchema"/>, written by
    /// <see cref="SchemaWriter"/>): enum and object types are described in full where they occur, except a
    /// type inside itself, which refers to a definition of the root instead ("$defs").
    /// </summary>
    private sealed class SchemaBuilder
    {
        private readonly Dictionary<string, ObjectInfo> _byCodec;

        public SchemaBuilder(Dictionary<string, ObjectInfo> byCodec) => _byCodec = byCodec;

        public RootSchema Root(TypeShape shape)
        {
            var needed = new List<string>();
            var value = Value(shape, new HashSet<string>(), needed);

            // Each definition is described in full once; describing one may need further definitions.
            var definitions = new List<SchemaDefinition>();
            for (var i = 0; i < needed.Count; i++)
            {
                definitions.Add(new SchemaDefinition(needed[i], Named(_byCodec[needed[i]], new HashSet<string>(), needed)));
            }

            return new RootSchema(value, definitions.ToEquatableArray());
        }

        private SchemaNode Value(TypeShape shape, HashSet<string> inProgress, List<string> needed)
        {
            var inner = shape.Kind == ShapeKind.Nullable ? shape.Element! : shape;
            SchemaNode value = inner.Kind switch
            {
                ShapeKind.Enum or ShapeKind.Object => Named(_byCodec[inner.CodecName!], inProgress, needed),
                ShapeKind.Array or ShapeKind.List or ShapeKind.ReadOnlyList => new ArraySchema(Value(inner.Element!, inProgress, needed)),
                ShapeKind.Dictionary => new MapSchema(Value(inner.Element!, inProgress, needed)),
                _ => new ScalarSchema(inner.Kind),
            };
            return shape.AcceptsNull ? new NullableSchema(value) : value;
        }

        private SchemaNode Named(ObjectInfo info, HashSet<string> inProgress, List<string> needed)
        {
            if (info.IsEnum)
            {
                return new EnumSchema(info.EnumMembers.ToEquatableArray());
            }

            // A type that contains itself is described once, in "$defs"; inner occurrences refer to it.
            if (!inProgress.Add(info.CodecName))
            {
                if (!needed.Contains(info.CodecName))
                {
                    needed.Add(info.CodecName);
                }

                return new RefSchema(info.CodecName);
            }

            var properties = new List<SchemaProperty>(info.Members.Count);
            foreach (var member in info.Members)
            {
                properties.Add(new SchemaProperty(member.JsonName, Value(member.Type, inProgress, needed), member.Required));
            }

            inProgress.Remove(info.CodecName);
            return new ObjectSchema(properties.ToEquatableArray());
        }
    }
}
