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

/// <summary>
/// A property of an <see cref="ObjectSchema"/>: its JSON name, value and whether it must be present; tool arguments
/// also carry a description and the JSON of their default value.
/// </summary>
internal sealed record SchemaProperty(string Name, SchemaNode Value, bool Required, string? Description = null, string? DefaultJson = null);

/// <summary>An array of <paramref name="Items"/>.</summary>
internal sealed record ArraySchema(SchemaNode Items) : SchemaNode;

/// <summary>An object with any property names, every value a <paramref name="Values"/>.</summary>
internal sealed record MapSchema(SchemaNode Values) : SchemaNode;

/// <summary>A value of the enum or object type described by the definition <paramref name="Definition"/> ("#/$defs/Definition").</summary>
internal sealed record RefSchema(string Definition) : SchemaNode;

/// <summary><paramref name="Value"/>, or <c>null</c>.</summary>
internal sealed record NullableSchema(SchemaNode Value) : SchemaNode;

/// <summary>
/// The JSON Schema description of one codec's type. Every enum and object type it uses (itself included) is a
/// <see cref="RefSchema"/>; each type is described once, by its own codec, and a complete schema is composed
/// from the descriptions of the types it reaches ("$defs"), so no description is ever copied into another.
/// </summary>
/// <param name="Name">The type's definition name: how other descriptions refer to it.</param>
/// <param name="Value">The description.</param>
/// <param name="Uses">The codecs of the types <paramref name="Value"/> refers to, in order of first use, each once.</param>
internal sealed record TypeSchema(string Name, SchemaNode Value, EquatableArray<string> Uses);
