using System.Collections.Generic;
using System.Linq;
using Amsha.Generators.Crews;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Helpers;

/// <summary>How generated code re-declares the types around the members it adds.</summary>
internal static class TypeDeclarations
{
    /// <summary>The keyword that declares <paramref name="type"/>: class, struct, record, record struct or interface.</summary>
    public static string Keyword(INamedTypeSymbol type) => (type.TypeKind, type.IsRecord) switch
    {
        (TypeKind.Struct, true) => "record struct",
        (TypeKind.Struct, false) => "struct",
        (TypeKind.Interface, _) => "interface",
        (_, true) => "record",
        _ => "class",
    };

    /// <summary>The types enclosing <paramref name="type"/> (and the type itself with <paramref name="includeSelf"/>), outermost first.</summary>
    public static EquatableArray<ContainingTypeModel> ContainingTypes(INamedTypeSymbol type, bool includeSelf = false)
    {
        var chain = new List<ContainingTypeModel>();
        for (var current = includeSelf ? type : type.ContainingType; current is not null; current = current.ContainingType)
        {
            var parameters = current.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", current.TypeParameters.Select(p => p.Name)) + ">";
            chain.Insert(0, new ContainingTypeModel(Keyword(current), current.Name + parameters));
        }

        return chain.ToEquatableArray();
    }
}
