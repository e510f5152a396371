using Amsha.Generators.Helpers;

namespace Amsha.Generators.Serialization;

/// <summary>The JSON shape of a type reference.</summary>
internal enum ShapeKind
{
    Boolean,
    Byte,
    SByte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    Char,
    String,
    DateTime,
    DateTimeOffset,
    TimeSpan,
    Guid,
    Enum,
    Object,
    Nullable,
    Array,
    List,
    ReadOnlyList,
    Dictionary,
}

/// <summary>A type reference as the emitter writes and reads it.</summary>
/// <remarks>
/// No C# type name: the emitted code lets the compiler infer the types of nested values from the member's
/// declared type, so a member's type is spelled once however deeply its collections nest.
/// </remarks>
/// <param name="Kind">Its JSON shape.</param>
/// <param name="CodecName">For enums and objects: the generated codec class.</param>
/// <param name="Element">For nullable value types, collections and dictionaries: the element (value) shape.</param>
/// <param name="AcceptsNull">Whether JSON <c>null</c> is a valid value (nullable value or reference type).</param>
internal sealed record TypeShape(ShapeKind Kind, string? CodecName, TypeShape? Element, bool AcceptsNull);

/// <summary>How a member's value gets into a new instance.</summary>
internal enum MemberInit
{
    /// <summary>A constructor argument.</summary>
    Constructor,

    /// <summary>Set in the object initializer (init-only or <c>required</c> properties).</summary>
    Initializer,

    /// <summary>Assigned after construction, only when present in the JSON.</summary>
    Assignment,
}

/// <summary>A serialized member of an object type.</summary>
/// <param name="Name">The C# property name.</param>
/// <param name="JsonName">The JSON property name.</param>
/// <param name="TypeName">Its fully qualified C# type, with nullable annotations.</param>
/// <param name="Type">Its shape.</param>
/// <param name="Init">How it is set on read.</param>
/// <param name="Required">Whether reading fails when it is absent.</param>
/// <param name="DefaultValue">For optional constructor parameters: the C# default value expression.</param>
internal sealed record MemberModel(string Name, string JsonName, string TypeName, TypeShape Type, MemberInit Init, bool Required, string? DefaultValue);

/// <summary>An enum member: the C# name (also its JSON name).</summary>
internal sealed record EnumMemberModel(string Name);

/// <summary>What a codec reads and writes.</summary>
internal enum CodecKind
{
    /// <summary>A record, class or struct, as a JSON object.</summary>
    Object,

    /// <summary>An enum, as its member names.</summary>
    Enum,

    /// <summary>An array, list or dictionary that is itself a root (an <c>[AmshaLlmCall]</c> result, a crew input).</summary>
    Collection,
}

/// <summary>Everything the emitter needs for one codec; plain values only.</summary>
/// <param name="TypeName">The fully qualified C# type name.</param>
/// <param name="DisplayName">The short name used in error messages.</param>
/// <param name="CodecName">The generated codec class.</param>
/// <param name="HintName">The generated file name.</param>
/// <param name="Kind">Object, enum or collection.</param>
/// <param name="IsValueType">Whether null is impossible.</param>
/// <param name="EnumUnderlyingType">For enums: the underlying integral type.</param>
/// <param name="EnumMembers">For enums: the distinct-valued members.</param>
/// <param name="Members">For objects: the serialized members in declaration order; constructor parameters in constructor order come first in <see cref="ConstructorOrder"/>.</param>
/// <param name="ConstructorOrder">Indexes into <see cref="Members"/> of the constructor arguments, in parameter order.</param>
/// <param name="Collection">For collections: the shape of the value.</param>
/// <param name="Schema">The JSON Schema description of the type, referring to the types it uses.</param>
/// <param name="RejectsUnknownMembers">Whether a property the type does not have is an error instead of skipped (tool arguments: the model must learn it sent one).</param>
/// <param name="LlmOutput">Whether a model's answer can hold the type (a task output or an <c>[AmshaLlmCall]</c> result reaches it): its schema lists every property in <c>required</c>, as strict structured outputs ask.</param>
internal sealed record SerializableTypeModel(
    string TypeName,
    string DisplayName,
    string CodecName,
    string HintName,
    CodecKind Kind,
    bool IsValueType,
    string EnumUnderlyingType,
    EquatableArray<EnumMemberModel> EnumMembers,
    EquatableArray<MemberModel> Members,
    EquatableArray<int> ConstructorOrder,
    TypeShape? Collection,
    TypeSchema Schema,
    bool RejectsUnknownMembers = false,
    bool LlmOutput = false);

/// <summary>Something that keeps a type from having a compile-time serializer.</summary>
/// <param name="MemberPath">Where: the root type name, then member names (<c>Article.Author.Photo</c>).</param>
/// <param name="Reason">Why, naming the offending type.</param>
internal sealed record SerializationProblem(string MemberPath, string Reason);
