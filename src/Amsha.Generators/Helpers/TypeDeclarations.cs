using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

    /// <summary>The namespace of <paramref name="type"/> and the types enclosing it, <paramref name="type"/> itself last.</summary>
    public static DeclarationScope Scope(INamedTypeSymbol type)
    {
        var chain = new List<ContainingTypeModel>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            var parameters = current.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", current.TypeParameters.Select(p => p.Name)) + ">";
            chain.Insert(0, new ContainingTypeModel(Keyword(current), current.Name + parameters));
        }

        return new DeclarationScope(type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null, chain.ToEquatableArray());
    }

    /// <summary>True when every declaration of <paramref name="type"/> and of the types containing it is <c>partial</c>.</summary>
    public static bool AllPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The start of a hint name for <paramref name="type"/>: its full name with every character a file name cannot hold replaced by '_'.</summary>
    public static string HintNamePrefix(INamedTypeSymbol type)
    {
        var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
        return new string(name.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_').ToArray());
    }
}
