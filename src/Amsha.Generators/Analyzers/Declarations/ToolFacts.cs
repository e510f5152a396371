using System;
using System.Threading;
using Amsha.Generators.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Analyzers.Declarations;

/// <summary>
/// Questions the tool analyzers (AMSHA016–AMSHA020, AMSHA104, AMSHA206) share about <c>[Toolbox]</c> classes and
/// <c>[Tool]</c> methods. Where the generator decides something (a tool's name, its return shape), they ask
/// <see cref="ToolboxGenerator.Parser"/> itself, so the analyzers and the generator never disagree.
/// </summary>
internal static class ToolFacts
{
    /// <summary>The name a model calls the tool by (<see cref="ToolboxGenerator.Parser.ToolName"/>).</summary>
    public static string ToolName(IMethodSymbol method, AttributeData toolAttribute) => ToolboxGenerator.Parser.ToolName(method, toolAttribute);

    /// <summary>Whether generated code in <c>Amsha.Generated</c> can call a member of this accessibility (what the generator binds).</summary>
    public static bool IsCallable(Accessibility accessibility) => accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    /// <summary>
    /// True when the generator would take <paramref name="method"/> as a tool as far as its shape goes: an ordinary,
    /// callable, non-generic method without ref/out/in/params parameters and with a supported return
    /// (<see cref="ToolboxGenerator.Parser.TryReturn"/>). Serializability (AMSHA010) is not looked at.
    /// </summary>
    public static bool HasToolShape(IMethodSymbol method, AnalysisWork? work, CancellationToken cancellationToken)
    {
        if (method.MethodKind != MethodKind.Ordinary || !IsCallable(method.DeclaredAccessibility) || method.IsGenericMethod
            || !ToolboxGenerator.Parser.TryReturn(method.ReturnType, out _, out _))
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            work.Step(WorkKind.Symbols, cancellationToken);
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A <see cref="System.Threading.CancellationToken"/> parameter: the generated tool passes the execution's token, it is no argument.</summary>
    public static bool IsCancellationToken(ITypeSymbol type) => type.ToDisplayString() == KnownNames.CancellationToken;

    /// <summary>The tool as named in messages: <c>WebTools.SearchAsync</c>.</summary>
    public static string Display(IMethodSymbol method) =>
        method.ContainingType is { } type ? MessageText.Quote(type.Name + "." + method.Name) : MessageText.Quote(method.Name);

    /// <summary>The method's declaration as written by the user (the definition part of a partial method), or null.</summary>
    public static MethodDeclarationSyntax? Declaration(IMethodSymbol method, CancellationToken cancellationToken)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration)
            {
                return declaration;
            }
        }

        return null;
    }
}
