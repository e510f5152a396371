using Amsha.Generators.Helpers;

namespace Amsha.Generators.Serialization;

/// <summary>
/// A JSON Schema as the rules decide it: which values are objects, arrays or references, what is
/// required and what may be null. <see cref="SchemaWriter"/> spells it as text; nothing here is text.
/// </summary>
internal abstract record SchemaNode;

/// <summary>A value of a scalar shape (number, string, boolean, date, ...); its JSON spelling is the writer's.</summary>
internal sealed record ScalarSchema(ShapeKind Kind) : SchemaNode;

/// <summary>A string that is one of the enum's member names.</summary>
internal sealed record EnumSchema(EquatableArray<string> Members) : SchemaNode;

/// <summary>An object with exactly these properties, in order; no others are allowed.</summary>
internal sealed record ObjectSchema(EquatableArray<SchemaProperty> Properties) : SchemaNode;

/// <summary>A property of an <see cref="ObjectSchema"/>: its JSON name, value and whether it must be present.</summary>
internal sealed record SchemaProperty(string Name, SchemaNode Value, bool Required);

/// <summary>An array of <paramref name="Items"/>.</summary>
internal sealed record ArraySchema(SchemaNode Items) : SchemaNode;

/// <summary>An object with any property names, every value a <paramref name="Values"/>.</summary>
internal sealed record MapSchema(SchemaNode Values) : SchemaNode;

/// <summary>A value described by the root's definition <paramref name="Definition"/> (a type that contains itself).</summary>
internal sealed record RefSchema(string Definition) : SchemaNode;

/// <summary><paramref name="Value"/>, or <c>null</c>.</summary>
internal sealed record NullableSchema(SchemaNode Value) : SchemaNode;

/// <summary>A named definition of a root schema, referred to by <see cref="RefSchema"/>.</summary>
internal sealed record SchemaDefinition(string Name, SchemaNode Value);

/// <summary>The schema of a codec's type: the value, and the definitions its references need (in order of first use).</summary>
internal sealed record RootSchema(SchemaNode Value, EquatableArray<SchemaDefinition> Definitions);
