using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>Reads the named arguments of an attribute; shared by the generators and the analyzers.</summary>
internal static class AttributeArguments
{
    /// <summary>The value of the named argument <paramref name="name"/>, or null when it is not set.</summary>
    public static TypedConstant? Named(AttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
            {
                return argument.Value;
            }
        }

        return null;
    }

    public static string? String(AttributeData attribute, string name) =>
        Named(attribute, name) is { Kind: TypedConstantKind.Primitive, Value: string text } ? text : null;

    /// <summary>An <c>int</c> or an enum value (its underlying <c>int</c>); null when not set or of another type.</summary>
    public static int? Int(AttributeData attribute, string name) =>
        Named(attribute, name) is { Kind: TypedConstantKind.Enum or TypedConstantKind.Primitive, Value: int value } ? value : null;

    /// <summary>A <c>double</c>, also when written as an <c>int</c> or <c>float</c> literal.</summary>
    public static double? Double(AttributeData attribute, string name) =>
        Named(attribute, name) is { Kind: TypedConstantKind.Primitive, Value: { } value }
            ? value switch { double d => d, int i => i, float f => f, _ => null }
            : null;
}
