using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>How accessible generated members can be, given the types in their signatures.</summary>
internal static class TypeAccessibility
{
    /// <summary>
    /// "public", "internal" or "private": the widest keyword a member taking or returning these types
    /// can have (an internal input type with a public member would not compile, CS0051).
    /// </summary>
    public static string MemberKeyword(params ITypeSymbol?[] types)
    {
        var result = "public";
        foreach (var type in types)
        {
            result = Narrower(result, Effective(type, depth: 0));
        }

        return result;
    }

    private static string Effective(ITypeSymbol? type, int depth)
    {
        if (type is null)
        {
            return "public";
        }

        // Deeper than the serializer accepts (it reports AMSHA010 there): the narrowest answer always compiles.
        if (depth > Serialization.SerializationRules.MaxNesting)
        {
            return "private";
        }

        if (type is IArrayTypeSymbol array)
        {
            return Effective(array.ElementType, depth + 1);
        }

        if (type is not INamedTypeSymbol named)
        {
            return "public";
        }

        var result = "public";
        foreach (var argument in named.TypeArguments)
        {
            result = Narrower(result, Effective(argument, depth + 1));
        }

        for (var current = named; current is not null; current = current.ContainingType)
        {
            result = current.DeclaredAccessibility switch
            {
                Accessibility.Public or Accessibility.NotApplicable => result,
                Accessibility.Internal or Accessibility.ProtectedOrInternal => Narrower(result, "internal"),
                _ => "private",
            };
        }

        return result;
    }

    /// <summary>The narrower of two keywords <see cref="MemberKeyword"/> returns (for types known only by their keywords).</summary>
    public static string Narrower(string a, string b) => a == "private" || b == "private" ? "private" : a == "internal" || b == "internal" ? "internal" : "public";
}
